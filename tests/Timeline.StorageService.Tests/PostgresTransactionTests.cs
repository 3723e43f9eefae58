using Microsoft.Extensions.Logging;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using static Timeline.StorageService.Tests.Assertions;

namespace Timeline.StorageService.Tests;

/// <summary>
/// An append transaction that PostgreSQL aborts as a deadlock victim (40P01; a serialization
/// failure, 40001, is handled the same way) is run again whole, and the caller only sees its
/// append succeed, stored once.
/// </summary>
public sealed class PostgresTransactionTests
{
    [Fact]
    public async Task An_append_that_loses_a_deadlock_is_run_again_whole_and_stored_once()
    {
        var logs = new CapturedLogs();
        await using var server = await StorageServer.StartAsync(
            StorageBackend.Postgres,
            configure: builder => builder.Logging.AddProvider(logs));
        await server.Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("contested", "2023-10-14") } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);

        // Another session locks the event's current row, waits until the writer holds the counter
        // and waits for that row, then asks for the counter: a cycle. It waits 10 s before looking
        // for deadlocks, the writer the server's default 1 s, so the writer is the one aborted.
        var revision = 1;
        for (var attempt = 0; attempt < 5 && !logs.Contains("40P01"); attempt++)
        {
            var other = server.Database.ExecuteAsync("""
                SET deadlock_timeout = '10s';
                BEGIN;
                SELECT event_id FROM current_events WHERE event_id = 'contested' FOR UPDATE;
                SELECT pg_sleep(0.6);
                SELECT position FROM log_head WHERE id = 1 FOR UPDATE;
                COMMIT;
                """);
            await Task.Delay(200, cancellationToken: TestContext.Current.CancellationToken);
            var appended = await server.Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("contested", $"2023-10-{15 + attempt}") } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
            revision++;
            Assert.Equal(revision, appended.Results[0].Revision);
            Assert.False(appended.Results[0].NoOp);

            // The other session was not the victim: it finished without an error.
            await other.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
        }

        Assert.True(logs.Contains("40P01"), "the writer never lost a deadlock, so its retry was not tried");
        var history = (await server.Client.GetEventHistoryAsync(new GetEventHistoryRequest { EventId = "contested" }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken)).Revisions;
        Assert.Equal(Enumerable.Range(1, revision).Select(r => (long)r), history.Select(r => r.Revision));
        await LogChecks.AssertSoundAsync(server.Database);
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly List<string> lines = [];

        public bool Contains(string text)
        {
            lock (lines)
            {
                return lines.Any(l => l.Contains(text, StringComparison.Ordinal));
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(lines);

        public void Dispose()
        {
        }

        private sealed class Logger(List<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (lines)
                {
                    lines.Add(formatter(state, exception));
                }
            }
        }
    }
}
