namespace Timeline.ServiceDefaults.HttpJson;

/// <summary>
/// Endpoint metadata for a route that is neither gRPC nor transcoded (a page, its assets, a
/// server-sent event stream): <see cref="HttpJsonGuard"/> lets it through to its own handler.
/// </summary>
public sealed class PlainHttpEndpoint
{
    public static readonly PlainHttpEndpoint Instance = new();

    private PlainHttpEndpoint()
    {
    }
}
