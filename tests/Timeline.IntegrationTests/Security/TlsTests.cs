using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Timeline.IntegrationTests.Timeline;
using Timeline.ServiceDefaults;
using Timeline.Storage.V1;
using Timeline.StorageService;
using Timeline.Tests.Shared;
using Timeline.TimelineServer;
using Timeline.V1;

namespace Timeline.IntegrationTests.Security;

/// <summary>
/// Both services serve gRPC over TLS from Kestrel's standard certificate configuration
/// (<c>Kestrel:Endpoints:NAME:Certificate:Path</c>), with a self-signed certificate made here.
/// </summary>
public sealed class TlsTests
{
    [Fact]
    public async Task Both_services_answer_over_tls_with_a_configured_certificate()
    {
        var directory = Path.Combine(Path.GetTempPath(), "timeline-tests", "tls-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        using var certificate = TestCertificates.SelfSigned();
        var pfx = TestCertificates.WritePfx(certificate, directory, "pw");
        string[] tls = ["--Kestrel:Endpoints:Tls:Url", "https://127.0.0.1:0", "--Kestrel:Endpoints:Tls:Certificate:Path", pfx, "--Kestrel:Endpoints:Tls:Certificate:Password", "pw"];

        // Storage: TLS for callers, plus a loopback cleartext endpoint for the timeline service beside it.
        await using var storage = StorageServiceApp.Create(
            [.. tls, "--Kestrel:Endpoints:Local:Url", "http://127.0.0.1:0", "--Storage:DatabasePath", Path.Combine(directory, "t.db"), "--Logging:LogLevel:Default", "Warning"]);
        await storage.StartAsync(cancellationToken: TestContext.Current.CancellationToken).WaitAsync(TimelineSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken);
        var storageTls = storage.BoundAddresses().Single(a => a.Scheme == "https");
        var storageLocal = storage.BoundAddresses().Single(a => a.Scheme == "http");

        await using var timeline = TimelineServiceApp.Create([.. tls, "--Timeline:StorageAddress", storageLocal.ToString(), "--Logging:LogLevel:Default", "Warning"]);
        await timeline.StartAsync(cancellationToken: TestContext.Current.CancellationToken).WaitAsync(TimelineSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken);
        var timelineTls = timeline.BoundAddresses().Single();
        Assert.Equal("https", timelineTls.Scheme);

        using var storageChannel = Trusting(storageTls, certificate);
        using var timelineChannel = Trusting(timelineTls, certificate);
        var store = new EventStoreService.EventStoreServiceClient(storageChannel);
        await store.AppendEventsAsync(new AppendEventsRequest { Events = { MaliReport.Events() } }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(TimelineSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken);
        var read = await store.GetEventAsync(new GetEventRequest { EventId = MaliReport.Events()[0].EventId }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(TimelineSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(1, read.Event.Revision);

        var chronology = await new V1.TimelineService.TimelineServiceClient(timelineChannel)
            .GetTimelineAsync(new GetTimelineRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(TimelineSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(MaliReport.Events().Length, chronology.Entries.Count);

        // A client that does not trust the certificate is turned away by TLS itself.
        using var untrusting = GrpcChannel.ForAddress(timelineTls);
        var refused = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() =>
            new V1.TimelineService.TimelineServiceClient(untrusting).GetTimelineAsync(new GetTimelineRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync.WaitAsync(TimelineSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("SSL", refused.Status.DebugException?.ToString() ?? refused.Status.Detail, StringComparison.Ordinal);

        await timeline.StopAsync(cancellationToken: TestContext.Current.CancellationToken).WaitAsync(TimelineSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken);
        await storage.StopAsync(cancellationToken: TestContext.Current.CancellationToken).WaitAsync(TimelineSystem.Timeout, cancellationToken: TestContext.Current.CancellationToken);
        Directory.Delete(directory, recursive: true);
    }

    private static GrpcChannel Trusting(Uri address, X509Certificate2 certificate) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString(),
                },
            },
        });
}
