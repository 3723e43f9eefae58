using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Timeline.ServiceDefaults.Security;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;
using Timeline.V1;
using static Timeline.StorageService.Tests.Assertions;
using static Timeline.Tests.Shared.TestTokens;

namespace Timeline.StorageService.Tests;

public abstract class SecurityTests(StorageBackend backend) : IAsyncLifetime
{
    private const string WriterToken = "writer-secret-3f9a1c";
    private const string ReaderToken = "reader-secret-77b2e0";
    private const string TimelineToken = "timeline-secret-c0ffee";
    private readonly List<string> logLines = [];
    private StorageServer server = null!;

    public async ValueTask InitializeAsync()
    {
        server = await StorageServer.StartAsync(
            backend,
            new Dictionary<string, string?>
            {
                ["Auth:Tokens:ingest:Sha256"] = Hash(WriterToken),
                ["Auth:Tokens:ingest:Scopes:0"] = Scopes.EventsWrite,
                ["Auth:Tokens:ingest:Scopes:1"] = Scopes.EventsRead,
                ["Auth:Tokens:dashboard:Sha256"] = Hash(ReaderToken),
                ["Auth:Tokens:dashboard:Scopes:0"] = Scopes.EventsRead,
                ["Auth:Tokens:timeline:Sha256"] = Hash(TimelineToken),
                ["Auth:Tokens:timeline:Scopes:0"] = Scopes.TimelineRead,
                ["Auth:MaxStreamsPerCaller"] = "2",
                ["Logging:LogLevel:Default"] = "Debug",
            },
            builder => builder.Logging.AddProvider(new ListLoggerProvider(logLines)));
        await server.Client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("secret-event", "2023") } }, Bearer(WriterToken));
    }

    public async ValueTask DisposeAsync() => await server.DisposeAsync();

    public static TheoryData<string, string?, StatusCode> Matrix()
    {
        var data = new TheoryData<string, string?, StatusCode>();
        foreach (var rpc in new[] { "AppendEvents", "GetEvent", "GetEventHistory", "ListEvents", "SubscribeEvents" })
        {
            data.Add(rpc, null, StatusCode.Unauthenticated);
            data.Add(rpc, "not-a-token", StatusCode.Unauthenticated);
            data.Add(rpc, TimelineToken, StatusCode.PermissionDenied);
            data.Add(rpc, rpc == "AppendEvents" ? ReaderToken : WriterToken, rpc == "AppendEvents" ? StatusCode.PermissionDenied : StatusCode.OK);
        }

        data.Add("AppendEvents", WriterToken, StatusCode.OK);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_rpc_admits_only_the_right_scope_and_a_refusal_reveals_and_stores_nothing(string rpc, string? token, StatusCode expected)
    {
        var headers = token is null ? new Metadata() : Bearer(token);
        var client = server.Client;
        var before = await Count();
        Func<Task> call = rpc switch
        {
            "AppendEvents" => () => client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("new-" + Guid.NewGuid().ToString("N")[..8], "2023") } }, headers).ResponseAsync,
            "GetEvent" => () => client.GetEventAsync(new GetEventRequest { EventId = "secret-event" }, headers).ResponseAsync,
            "GetEventHistory" => () => client.GetEventHistoryAsync(new GetEventHistoryRequest { EventId = "secret-event" }, headers).ResponseAsync,
            "ListEvents" => () => client.ListEventsAsync(new ListEventsRequest(), headers).ResponseAsync,
            _ => async () =>
            {
                using var stream = client.SubscribeEvents(new SubscribeEventsRequest(), headers);
                await stream.ResponseStream.MoveNext();
            }
            ,
        };

        if (expected == StatusCode.OK)
        {
            await call().WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(rpc == "AppendEvents" ? before + 1 : before, await Count());
            return;
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => call().WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(expected, ex.StatusCode);
        Assert.DoesNotContain("secret-event", ex.Status.Detail, StringComparison.Ordinal);

        // A refusal for a missing event looks exactly like one for an existing event.
        if (rpc == "GetEvent")
        {
            var missing = await Assert.ThrowsAsync<RpcException>(() => client.GetEventAsync(new GetEventRequest { EventId = "no-such-event" }, headers, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken));
            Assert.Equal(ex.StatusCode, missing.StatusCode);
            Assert.Equal(ex.Status.Detail, missing.Status.Detail);
        }

        Assert.Equal(before, await Count());
    }

    [Fact]
    public async Task Each_revision_records_the_token_name_that_wrote_it_and_tokens_never_reach_the_logs()
    {
        var history = await server.Client.GetEventHistoryAsync(new GetEventHistoryRequest { EventId = "secret-event" }, Bearer(ReaderToken), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("ingest", Assert.Single(history.Revisions).RecordedBy);

        await Assert.ThrowsAsync<RpcException>(() => server.Client.ListEventsAsync(new ListEventsRequest(), Bearer("wrong-token-in-logs?"), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken));
        string all;
        lock (logLines)
        {
            all = string.Join('\n', logLines);
        }

        Assert.NotEmpty(all);
        foreach (var secret in new[] { WriterToken, ReaderToken, TimelineToken, "wrong-token-in-logs?" })
        {
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Health_stays_open_without_a_token()
    {
        var health = await server.Health.CheckAsync(new global::Grpc.Health.V1.HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task A_caller_over_its_stream_limit_is_refused_with_resource_exhausted_while_others_get_in()
    {
        using var cts = new CancellationTokenSource(CallTimeout);
        using var first = server.Client.SubscribeEvents(new SubscribeEventsRequest(), Bearer(ReaderToken), cancellationToken: cts.Token);
        using var second = server.Client.SubscribeEvents(new SubscribeEventsRequest(), Bearer(ReaderToken), cancellationToken: cts.Token);
        Assert.True(await first.ResponseStream.MoveNext(cts.Token));
        Assert.True(await second.ResponseStream.MoveNext(cts.Token));

        using var third = server.Client.SubscribeEvents(new SubscribeEventsRequest(), Bearer(ReaderToken), cancellationToken: cts.Token);
        var ex = await Assert.ThrowsAsync<RpcException>(() => third.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);

        using var other = server.Client.SubscribeEvents(new SubscribeEventsRequest(), Bearer(WriterToken), cancellationToken: cts.Token);
        Assert.True(await other.ResponseStream.MoveNext(cts.Token));
        cts.Cancel();
    }

    [Fact]
    public async Task Without_tokens_the_service_refuses_to_listen_beyond_loopback()
    {
        var ex = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => StorageServer.StartAsync(backend, new Dictionary<string, string?> { ["urls"] = "http://0.0.0.0:0" }).WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("Refusing to listen on http://0.0.0.0:0", ex.Message, StringComparison.Ordinal);
        Assert.True(BindingGuard.IsLoopback("http://127.0.0.1:5201"));
        Assert.True(BindingGuard.IsLoopback("https://[::1]:5201"));
        Assert.True(BindingGuard.IsLoopback("http://localhost:80"));
        Assert.False(BindingGuard.IsLoopback("http://*:5201"));
        Assert.False(BindingGuard.IsLoopback("http://+:5201"));
        Assert.False(BindingGuard.IsLoopback("http://10.0.0.5:5201"));
    }

    [Fact]
    public async Task Tls_through_kestrel_certificate_configuration()
    {
        using var certificate = TestCertificates.SelfSigned();
        var pfx = TestCertificates.WritePfx(certificate, server.Directory, "pw");

        await using var tls = await StorageServer.StartAsync(backend, new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = "https://127.0.0.1:0",
            ["Kestrel:Endpoints:Grpc:Certificate:Path"] = pfx,
            ["Kestrel:Endpoints:Grpc:Certificate:Password"] = "pw",
        });
        Assert.Equal("https", tls.Address.Scheme);

        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == certificate.GetCertHashString(),
            },
        };
        using var channel = GrpcChannel.ForAddress(tls.Address, new GrpcChannelOptions { HttpHandler = handler });
        var client = new EventStoreService.EventStoreServiceClient(channel);
        await client.AppendEventsAsync(new AppendEventsRequest { Events = { Events.Dated("over-tls", "2023") } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
        var read = await client.GetEventAsync(new GetEventRequest { EventId = "over-tls" }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(CallTimeout, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("over-tls", read.Event.EventId);
    }

    private async Task<int> Count() =>
        (await server.Client.ListEventsAsync(new ListEventsRequest { PageSize = 1000 }, Bearer(WriterToken)).ResponseAsync.WaitAsync(CallTimeout)).Events.Count;



    private sealed class ListLoggerProvider(List<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines, categoryName);

        public void Dispose()
        {
        }

        private sealed class ListLogger(List<string> lines, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (lines)
                {
                    lines.Add($"{category}: {formatter(state, exception)} {exception}");
                }
            }
        }
    }

    public sealed class Sqlite() : SecurityTests(StorageBackend.Sqlite);

    public sealed class Postgres() : SecurityTests(StorageBackend.Postgres);
}
