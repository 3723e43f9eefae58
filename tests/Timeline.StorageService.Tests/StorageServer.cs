using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Timeline.ServiceDefaults;
using Timeline.Storage.V1;
using Timeline.StorageService;

namespace Timeline.StorageService.Tests;

/// <summary>
/// The real storage service on Kestrel on a loopback port, on a real SQLite file in a temp
/// folder, called through the generated client over HTTP/2. Restart keeps the file.
/// </summary>
public sealed class StorageServer : IAsyncDisposable
{
    private readonly Dictionary<string, string?> settings;
    private WebApplication? app;
    private GrpcChannel? channel;

    private StorageServer(string directory, Dictionary<string, string?> settings)
    {
        Directory = directory;
        this.settings = settings;
    }

    public string Directory { get; }

    public string DatabasePath => Path.Combine(Directory, "timeline.db");

    public Uri Address { get; private set; } = null!;

    public EventStoreService.EventStoreServiceClient Client { get; private set; } = null!;

    public Health.HealthClient Health { get; private set; } = null!;

    public static async Task<StorageServer> StartAsync(IDictionary<string, string?>? extra = null, Action<WebApplicationBuilder>? configure = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "timeline-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var settings = new Dictionary<string, string?>(extra ?? new Dictionary<string, string?>());
        var server = new StorageServer(directory, settings);
        await server.StartAppAsync(configure);
        return server;
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAppAsync(null);
    }

    /// <summary>Stops the service gracefully (the client channel stays open until it is done).</summary>
    public async Task StopAsync()
    {
        if (app is not null)
        {
            await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await app.DisposeAsync();
            app = null;
        }

        channel?.Dispose();
        channel = null;
    }

    private async Task StartAppAsync(Action<WebApplicationBuilder>? configure)
    {
        string[] args = ["--urls", "http://127.0.0.1:0", "--Storage:DatabasePath", DatabasePath, "--Logging:LogLevel:Default", "Warning"];
        app = StorageServiceApp.Create([.. args, .. settings.Select(s => $"--{s.Key}={s.Value}")], configure);
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Address = app.BoundAddresses()[0];
        channel = GrpcChannel.ForAddress(Address);
        Client = new EventStoreService.EventStoreServiceClient(channel);
        Health = new Health.HealthClient(channel);
    }

    public T GetService<T>()
        where T : notnull => app!.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying connection; the temp folder is cleaned later.
        }
    }
}
