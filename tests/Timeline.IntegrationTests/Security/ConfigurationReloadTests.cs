using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Timeline.Storage.V1;
using static Timeline.Tests.Shared.TestTokens;

namespace Timeline.IntegrationTests.Security;

/// <summary>
/// Security settings hold for the life of the process (docs/SECURITY.md): the storage service runs
/// as a process of its own in a folder holding its appsettings.json, and the file is edited under
/// it, as an operator would. A change that would open the service (new endpoints beyond loopback
/// without tokens, the tokens removed or replaced) changes nothing until a restart, and the
/// service says so in a warning naming the settings.
/// </summary>
public sealed class ConfigurationReloadTests : IAsyncDisposable
{
    private const string Reader = "reader-secret-5a1d9e";
    private const string Other = "other-secret-0b7c42";
    private static readonly TimeSpan Timeout = StorageInFolder.Timeout;
    private readonly StorageInFolder storage = new();
    private GrpcChannel? channel;

    private string SettingsFile => Path.Combine(storage.Directory, "appsettings.json");

    [Fact]
    public async Task Endpoints_added_to_the_file_under_a_service_without_tokens_are_not_bound()
    {
        await File.WriteAllTextAsync(SettingsFile, """{ "Logging": { "LogLevel": { "Default": "Warning" } } }""", TestContext.Current.CancellationToken);
        var address = await StartAsync("http://127.0.0.1:0");
        var port = StorageInFolder.FreePort();

        await File.WriteAllTextAsync(SettingsFile, $$"""
            { "Logging": { "LogLevel": { "Default": "Warning" } },
              "Kestrel": { "Endpoints": { "Open": { "Url": "http://0.0.0.0:{{port}}", "Protocols": "Http2" } } } }
            """, TestContext.Current.CancellationToken);
        await WarnedAsync("Kestrel:Endpoints:Open:Url");

        // Kestrel's own reload, had it run, binds within milliseconds of the change it was told about.
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.False(await AcceptsAsync(port), $"the service now listens on 0.0.0.0:{port}, opened by a file edited under it with no tokens\n{storage.Output}");
        Assert.Equal(StatusCode.OK, await ListAsync(address, token: null));
    }

    [Fact]
    public async Task Tokens_removed_or_replaced_in_the_file_under_a_running_service_change_nobody_admitted()
    {
        await File.WriteAllTextAsync(SettingsFile, $$"""
            { "Auth": { "Tokens": { "reader": { "Sha256": "{{Hash(Reader)}}", "Scopes": [ "events:read" ] } } } }
            """, TestContext.Current.CancellationToken);
        var address = await StartAsync("http://0.0.0.0:0");
        Assert.Equal(StatusCode.Unauthenticated, await ListAsync(address, token: null));
        Assert.Equal(StatusCode.OK, await ListAsync(address, Reader));

        // Step one of a rotation done in two steps: the tokens section removed.
        await File.WriteAllTextAsync(SettingsFile, "{ }", TestContext.Current.CancellationToken);
        await WarnedAsync("Auth:Tokens:reader:Sha256");
        Assert.Equal(StatusCode.Unauthenticated, await ListAsync(address, token: null));
        Assert.Equal(StatusCode.OK, await ListAsync(address, Reader));

        // Another token in its place: still the one the service started with, until a restart.
        await File.WriteAllTextAsync(SettingsFile, $$"""
            { "Auth": { "Tokens": { "other": { "Sha256": "{{Hash(Other)}}", "Scopes": [ "events:read", "events:write" ] } } } }
            """, TestContext.Current.CancellationToken);
        await WarnedAsync("Auth:Tokens:other:Sha256", times: 2);
        Assert.Equal(StatusCode.Unauthenticated, await ListAsync(address, Other));
        Assert.Equal(StatusCode.OK, await ListAsync(address, Reader));
    }

    public async ValueTask DisposeAsync()
    {
        channel?.Dispose();
        await storage.DisposeAsync();
    }

    private Task<Uri> StartAsync(string urls) => storage.StartAsync(["--HttpJsonUrls", ""], urls);

    private Task WarnedAsync(string setting, int times = 1) =>
        Task.WhenAll(storage.WaitForOutputAsync("The configuration changed", times), storage.WaitForOutputAsync(setting));

    private async Task<StatusCode> ListAsync(Uri address, string? token)
    {
        channel ??= GrpcChannel.ForAddress(address);
        var client = new EventStoreService.EventStoreServiceClient(channel);
        try
        {
            await client.ListEventsAsync(new ListEventsRequest(), token is null ? new Metadata() : Bearer(token), cancellationToken: TestContext.Current.CancellationToken)
                .ResponseAsync.WaitAsync(Timeout, TestContext.Current.CancellationToken);
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(5));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
