using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Timeline.IntegrationTests.Export;
using Timeline.IntegrationTests.Timeline;
using Timeline.ServiceDefaults;
using Timeline.Storage.V1;
using Timeline.StorageService;
using Timeline.Tests.Shared;
using Timeline.TimelineServer;
using Timeline.V1;
using TimelineClient = Timeline.V1.TimelineService.TimelineServiceClient;

namespace Timeline.IntegrationTests.Page;

/// <summary>
/// Both services for real (storage on a SQLite file, gRPC only; the timeline service with its
/// HTTP/JSON port, where the page is) and a headless Chromium to look at the page. The timeline
/// service can be stopped and started again on the same HTTP port, as a replica restart would;
/// its clock is fixed on the Mali report's day, so deadline statuses do not depend on the day the
/// test runs.
/// </summary>
internal sealed class PageSystem : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string directory = Path.Combine(Path.GetTempPath(), "timeline-page", Guid.NewGuid().ToString("N"));
    private readonly IReadOnlyList<string> timelineArgs;
    private readonly List<GrpcChannel> channels = [];
    private WebApplication storage = null!;
    private WebApplication? timeline;
    private Uri storageAddress = null!;
    private int httpPort;

    private PageSystem(IReadOnlyList<string> timelineArgs) => this.timelineArgs = timelineArgs;

    public FakeTimeProvider Clock { get; } = new(MaliReport.ReportDay);

    public EventStoreService.EventStoreServiceClient Storage { get; private set; } = null!;

    public TimelineClient Timeline { get; private set; } = null!;

    public Chromium Browser { get; private set; } = null!;

    /// <summary>The storage service's gRPC address, for a CLI command run against this system.</summary>
    public Uri StorageAddress => storageAddress;

    /// <summary>The timeline service's gRPC address, while it runs.</summary>
    public Uri TimelineAddress => timeline!.GrpcAddress();

    /// <summary>The page's address on the timeline service's HTTP/JSON port.</summary>
    public Uri PageAddress => new($"http://127.0.0.1:{httpPort}/page/");

    public static async Task<PageSystem> StartAsync(IReadOnlyList<string>? timelineArgs = null, IReadOnlyList<string>? storageArgs = null)
    {
        Assert.True(
            Chromium.Find() is not null,
            $"Chromium is needed to test the page and was not found at {Chromium.DefaultPath}. Install it: apt-get update && apt-get install -y chromium");
        var system = new PageSystem(timelineArgs ?? []);
        Directory.CreateDirectory(system.directory);
        system.storage = StorageServiceApp.Create(
            ["--urls", "http://127.0.0.1:0", "--Storage:DatabasePath", Path.Combine(system.directory, "timeline.db"), "--Storage:CheckpointInterval", "00:00:00.200", "--Logging:LogLevel:Default", "Warning", .. storageArgs ?? []]);
        await system.storage.StartAsync().WaitAsync(Timeout);
        system.storageAddress = system.storage.GrpcAddress();
        system.Storage = new EventStoreService.EventStoreServiceClient(TestCalls.Bound(system.Channel(system.storageAddress)));
        await system.StartTimelineAsync();
        system.Browser = await Chromium.StartAsync(system.directory);
        return system;
    }

    /// <summary>Starts the timeline service: on a free HTTP port the first time, on the same one after a stop.</summary>
    public async Task StartTimelineAsync()
    {
        timeline = TimelineServiceApp.Create(
            [
                "--urls", "http://127.0.0.1:0",
                "--HttpJsonUrls", $"http://127.0.0.1:{httpPort}",
                "--Timeline:StorageAddress", storageAddress.ToString(),
                "--Timeline:ReconnectMinDelay", "00:00:00.050",
                "--Logging:LogLevel:Default", "Warning",
                .. timelineArgs,
            ],
            builder => builder.Services.AddSingleton<TimeProvider>(Clock));
        await timeline.StartAsync().WaitAsync(Timeout);
        httpPort = timeline.HttpJsonAddress()!.Port;
        Timeline = new TimelineClient(TestCalls.Bound(Channel(timeline.GrpcAddress())));
    }

    /// <summary>Stops the timeline service (its open streams end, as when a replica goes away).</summary>
    public async Task StopTimelineAsync()
    {
        if (timeline is { } running)
        {
            timeline = null;
            await running.StopAsync().WaitAsync(Timeout);
            await running.DisposeAsync();
        }
    }

    /// <summary>Appends through gRPC and waits until the timeline service's projection has read the last position.</summary>
    public async Task<long> AppendAsync(params NewEvent[] events)
    {
        var request = new AppendEventsRequest();
        request.Events.AddRange(events);
        var appended = await Storage.AppendEventsAsync(request);
        var position = appended.Results.Max(r => r.Position);
        await Timeline.ListDeadlinesAsync(new ListDeadlinesRequest { MinPosition = position, AsOf = MaliReport.Reference }, deadline: DateTime.UtcNow.Add(Timeout));
        return position;
    }

    /// <summary>Opens the page (with <paramref name="query"/>) and waits until it has drawn what it first loaded.</summary>
    public async Task OpenAsync(string query = "", bool waitForData = true)
    {
        await Browser.NavigateAsync(PageAddress + query);
        if (waitForData)
        {
            await Browser.WaitUntilAsync("document.body.dataset.loaded === 'true'");
        }
    }

    /// <summary>How many rows show this event.</summary>
    public async Task<int> RowsAsync(string eventId) =>
        (await Browser.EvaluateAsync($"document.querySelectorAll('#entries .entry[data-event-id=\"{eventId}\"]').length"))!.GetValue<int>();

    /// <summary>The viewport as a PNG; with TIMELINE_SCREENSHOTS set, written there too (how docs/PAGE.md gets its pictures).</summary>
    public async Task ScreenshotAsync(string name)
    {
        var path = Path.Combine(directory, name);
        await Browser.ScreenshotAsync(path);
        Assert.True(new FileInfo(path).Length > 1000, $"the screenshot {name} is empty");
        if (Environment.GetEnvironmentVariable("TIMELINE_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            File.Copy(path, Path.Combine(folder, name), overwrite: true);
        }
    }

    private GrpcChannel Channel(Uri address)
    {
        var channel = GrpcChannel.ForAddress(address);
        channels.Add(channel);
        return channel;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        foreach (var channel in channels)
        {
            channel.Dispose();
        }

        await StopTimelineAsync();
        await storage.StopAsync().WaitAsync(Timeout);
        await storage.DisposeAsync();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a closing connection; the temp folder is cleaned later.
        }
    }
}
