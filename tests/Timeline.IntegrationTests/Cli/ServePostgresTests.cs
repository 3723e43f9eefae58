using System.Text.RegularExpressions;
using Grpc.Net.Client;
using Timeline.Cli;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;

namespace Timeline.IntegrationTests.Cli;

/// <summary>`timeline serve --postgres "Host=…"`: both services in the CLI's process, the log in a PostgreSQL database.</summary>
public sealed partial class ServePostgresTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Serve_with_a_postgres_connection_string_keeps_the_log_in_that_database()
    {
        var folder = Path.Combine(Path.GetTempPath(), "timeline-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await using var database = await StorageDatabase.CreateAsync(StorageBackend.Postgres, folder);
        var output = new StringWriter();
        var stdout = TextWriter.Synchronized(output);
        var context = CliContext.ForWriters(stdout, TextWriter.Synchronized(new StringWriter()));
        using var stop = new CancellationTokenSource();
        var serve = CliApp.BuildRootCommand(context)
            .Parse(["serve", "--postgres", database.ConnectionString!, "--storage", "http://127.0.0.1:0", "--timeline", "http://127.0.0.1:0", "--no-http"])
            .InvokeAsync(cancellationToken: stop.Token);

        string Printed()
        {
            lock (stdout)
            {
                return output.ToString();
            }
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        while (!Printed().Contains("Serving.", StringComparison.Ordinal))
        {
            Assert.False(serve.IsCompleted, $"serve ended early: {Printed()}");
            Assert.True(started.Elapsed < Timeout, $"serve did not start: {Printed()}");
            await Task.Delay(50, cancellationToken: TestContext.Current.CancellationToken);
        }

        var banner = Printed();
        Assert.Contains($"(PostgreSQL: 127.0.0.1:", banner, StringComparison.Ordinal);
        Assert.Contains($"/{database.DatabaseName})", banner, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", banner, StringComparison.OrdinalIgnoreCase);

        using (var channel = GrpcChannel.ForAddress(StorageAddress().Match(banner).Groups[1].Value))
        {
            var storage = new EventStoreService.EventStoreServiceClient(channel);
            var appended = await storage.AppendEventsAsync(new AppendEventsRequest { Events = { new NewEvent { EventId = "served", Title = "Kept in PostgreSQL", Occurred = new FuzzyDate { Edtf = "2023-10-14" } } } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(1, appended.Results[0].Position);
        }

        Assert.Equal("served|1", await database.ExecuteAsync("SELECT event_id || '|' || position FROM revisions").WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken));
        await stop.CancelAsync();
        Assert.Equal(0, await serve.WaitAsync(Timeout, cancellationToken: TestContext.Current.CancellationToken));
        Directory.Delete(folder, recursive: true);
    }

    [GeneratedRegex(@"storage service\s+(http://\S+)")]
    private static partial Regex StorageAddress();
}
