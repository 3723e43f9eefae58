using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Timeline.ServiceDefaults;
using Timeline.Storage.V1;
using Timeline.StorageService;
using Timeline.Tests.Shared;

namespace Timeline.StorageService.Tests;

/// <summary>
/// The real storage service on Kestrel on a loopback port, on a real database of the given
/// backend (a SQLite file in a temp folder, or a fresh database on the tests' PostgreSQL server),
/// called through the generated client over HTTP/2. Restart keeps the database.
/// </summary>
public sealed class StorageServer : IAsyncDisposable
{
    private readonly Dictionary<string, string?> settings;
    private readonly bool ownsDatabase;
    private WebApplication? app;
    private GrpcChannel? channel;

    private StorageServer(string directory, StorageDatabase database, bool ownsDatabase, Dictionary<string, string?> settings)
    {
        Directory = directory;
        Database = database;
        this.ownsDatabase = ownsDatabase;
        this.settings = settings;
    }

    public string Directory { get; }

    public StorageDatabase Database { get; }

    public StorageBackend Backend => Database.Backend;

    public string DatabasePath => Database.SqlitePath;

    public Uri Address { get; private set; } = null!;

    /// <summary>The HTTP/JSON (HTTP/1.1) address, when started with <c>HttpJsonUrls</c>.</summary>
    public Uri? HttpJsonAddress => app?.HttpJsonAddress();

    public EventStoreService.EventStoreServiceClient Client { get; private set; } = null!;

    public Health.HealthClient Health { get; private set; } = null!;

    /// <summary>A service on a fresh database of <paramref name="backend"/>.</summary>
    public static async Task<StorageServer> StartAsync(StorageBackend backend, IDictionary<string, string?>? extra = null, Action<WebApplicationBuilder>? configure = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "timeline-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var database = await StorageDatabase.CreateAsync(backend, directory);
        return await StartAsync(directory, database, ownsDatabase: true, extra, configure);
    }

    /// <summary>Another service on an existing database (e.g. a second instance on one PostgreSQL database); it leaves the database alone when disposed.</summary>
    public static async Task<StorageServer> StartOnAsync(StorageDatabase database, IDictionary<string, string?>? extra = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "timeline-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        return await StartAsync(directory, database, ownsDatabase: false, extra, null);
    }

    private static async Task<StorageServer> StartAsync(string directory, StorageDatabase database, bool ownsDatabase, IDictionary<string, string?>? extra, Action<WebApplicationBuilder>? configure)
    {
        var settings = database.Settings.ToDictionary(s => s.Key, s => (string?)s.Value);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var server = new StorageServer(directory, database, ownsDatabase, settings);
        try
        {
            await server.StartAppAsync(configure);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAppAsync(null);
    }

    /// <summary>
    /// Stops the service gracefully. The client's channel stays open, as a real client's would: a
    /// call still reading what the server sent before it stopped (a stream's trailer) reads it to
    /// the end, and a call made after gets UNAVAILABLE. Disposing the channel here cancelled such a
    /// call on the client's side whenever the server finished stopping before the client had read
    /// the trailer (a test saw CANCELLED for the stream's UNAVAILABLE under a loaded machine).
    /// </summary>
    public async Task StopAsync()
    {
        if (app is not null)
        {
            await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await app.DisposeAsync();
            app = null;
        }
    }

    private async Task StartAppAsync(Action<WebApplicationBuilder>? configure)
    {
        string[] args = ["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"];
        app = StorageServiceApp.Create([.. args, .. settings.Select(s => $"--{s.Key}={s.Value}")], configure);
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Address = app.BoundAddresses()[0];
        channel?.Dispose();
        channel = GrpcChannel.ForAddress(Address);
        Client = new EventStoreService.EventStoreServiceClient(TestCalls.Bound(channel));
        Health = new Health.HealthClient(TestCalls.Bound(channel));
    }

    public T GetService<T>()
        where T : notnull => app!.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        channel?.Dispose();
        channel = null;
        if (ownsDatabase)
        {
            await Database.DisposeAsync();
        }

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
