using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Timeline.ServiceDefaults;

/// <summary>
/// Kestrel, minus the hosting addresses: <see cref="TimelineEndpoints"/> binds every endpoint in
/// code from <c>urls</c> and <c>HttpJsonUrls</c>, so the <c>urls</c> the host also hands over would
/// only make Kestrel warn that it overrides them. They are dropped just before it starts; the
/// bound addresses are reported as usual.
/// </summary>
internal sealed class EndpointsOnlyServer(IServer inner) : IServer
{
    public IFeatureCollection Features => inner.Features;

    public static void Decorate(IServiceCollection services)
    {
        var server = services.LastOrDefault(d => d.ServiceType == typeof(IServer));
        if (server?.ImplementationType is not { } type)
        {
            return;
        }

        services.Remove(server);
        services.AddSingleton<IServer>(provider => new EndpointsOnlyServer((IServer)ActivatorUtilities.CreateInstance(provider, type)));
    }

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        inner.Features.Get<IServerAddressesFeature>()?.Addresses.Clear();
        return inner.StartAsync(application, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => inner.StopAsync(cancellationToken);

    public void Dispose() => inner.Dispose();
}
