using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Timeline.StorageService;
using Timeline.TimelineServer;

namespace Timeline.Cli.Infrastructure;

/// <summary>
/// What is wrong with an address when a call to it fails without the service answering: nothing
/// listening, an HTTP/1.1 port (the HTTP/JSON one) where gRPC belongs, TLS on one side only, the
/// other service (the addresses swapped), or something that accepts connections and never
/// answers. Each message names the address, where it came from, and what was expected there. The
/// diagnosis runs only after a failure, with short probes of the same address.
/// </summary>
internal static class ConnectionProblem
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The message for a failure to reach <paramref name="endpoint"/>, or null when the service itself answered (a refusal to pass on as it is).</summary>
    /// <param name="timedOut">The --timeout, when the call ran out of it.</param>
    public static async Task<string?> DescribeAsync(ServiceEndpoint endpoint, RpcException ex, TimeSpan? timedOut)
    {
        if (endpoint.Addresses.Balanced)
        {
            return await DescribeEachAsync(endpoint, ex, timedOut).ConfigureAwait(false);
        }

        if (timedOut is { } timeout)
        {
            // A deadline shorter than the call needs is not the address's fault: when the same
            // address answers a health check given the usual probe time, blame the --timeout.
            if (timeout < ProbeTimeout && await AnswersGrpcAsync(endpoint.Address).ConfigureAwait(false))
            {
                return $"the {endpoint.Role} at {endpoint.Named} is up, but this call needs longer than {Seconds(timeout)} (--timeout); "
                    + $"give it more, e.g. --timeout 30s (the default)";
            }

            return $"no answer from the {endpoint.Role} at {endpoint.Named} within {Seconds(timeout)} (--timeout): "
                + $"something accepted the connection but did not answer as a gRPC {endpoint.Role}. "
                + $"Check that {endpoint.Option} points at the {endpoint.Role}; if it is only slow, give it longer with --timeout.";
        }

        if (ex.StatusCode == StatusCode.Unimplemented)
        {
            return await WrongServiceAsync(endpoint).ConfigureAwait(false);
        }

        if (ex.Status.DebugException is not { } failure)
        {
            return null;
        }

        if (Find<SocketException>(failure) is { } socket)
        {
            return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused =>
                    $"nothing is listening at {endpoint.Named}, where the {endpoint.Role} was expected (connection refused). "
                    + $"Start both services with `timeline serve`, or point {endpoint.Option} at the {endpoint.Role}.",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain =>
                    $"cannot find the host '{endpoint.Address.Host}' of {endpoint.Named}: {socket.Message}",
                _ => $"cannot connect to the {endpoint.Role} at {endpoint.Named}: {socket.Message}",
            };
        }

        if (Find<HttpProtocolException>(failure) is { ErrorCode: 0xd })
        {
            return HttpOnlyMessage(endpoint);
        }

        var https = endpoint.Address.Scheme == Uri.UriSchemeHttps;
        if (https && Find<AuthenticationException>(failure) is { } tls)
        {
            if (await AnswersCleartextGrpcAsync(endpoint.Address).ConfigureAwait(false))
            {
                return $"{endpoint.Named} does not speak TLS: it answers cleartext gRPC. Use http://{endpoint.HostAndPort} for the {endpoint.Role}.";
            }

            return tls.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase)
                ? $"the certificate of the {endpoint.Role} at {endpoint.Named} is not trusted: {tls.Message}"
                : $"the TLS handshake with the {endpoint.Role} at {endpoint.Named} failed: {tls.Message}";
        }

        if (!https && await SpeaksTlsAsync(endpoint.Address).ConfigureAwait(false))
        {
            return $"{endpoint.Named} speaks TLS: use https://{endpoint.HostAndPort} for the {endpoint.Role}.";
        }

        if (!https && await AnswersHttp11Async(endpoint.Address).ConfigureAwait(false))
        {
            return HttpOnlyMessage(endpoint);
        }

        return $"cannot talk gRPC to the {endpoint.Role} at {endpoint.Named}: {Innermost(failure).Message}";
    }

    /// <summary>
    /// With several addresses a call fails only when none could take it: probe each one on its own
    /// and name every one with what is wrong there (or that it answers).
    /// </summary>
    private static async Task<string?> DescribeEachAsync(ServiceEndpoint endpoint, RpcException ex, TimeSpan? timedOut)
    {
        if (timedOut is null && ex.StatusCode != StatusCode.Unimplemented && ex.Status.DebugException is null)
        {
            return null;
        }

        var count = endpoint.Addresses.Dns is null ? $"any of the {endpoint.Addresses.Addresses.Count} addresses" : "any address";
        var problem = timedOut is { } timeout
            ? $"no answer from {count} of the {endpoint.Role} ({endpoint.Named}) within {Seconds(timeout)} (--timeout)"
            : $"cannot reach the {endpoint.Role} at {count} of {endpoint.Named}";
        if (endpoint.Addresses.Dns is not null)
        {
            return $"{problem}: {(ex.Status.DebugException is { } failure ? Innermost(failure).Message : ex.Status.Detail)}";
        }

        var each = await Task.WhenAll(endpoint.Each().Select(async single => $"{single.Address.OriginalString.TrimEnd('/')}: {await ProbeAsync(single).ConfigureAwait(false)}")).ConfigureAwait(false);
        return $"{problem}. {string.Join("; ", each)}";
    }

    /// <summary>What is wrong at one address, or that it answers as the service.</summary>
    private static async Task<string> ProbeAsync(ServiceEndpoint single)
    {
        try
        {
            using var channel = GrpcChannel.ForAddress(single.Address);
            await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + ProbeTimeout).ConfigureAwait(false);
        }
        catch (RpcException probe) when (probe.StatusCode != StatusCode.Unimplemented)
        {
            var described = await DescribeAsync(single, probe, probe.StatusCode == StatusCode.DeadlineExceeded ? ProbeTimeout : null).ConfigureAwait(false);
            return described ?? $"answers {probe.StatusCode}: {probe.Status.Detail}";
        }
        catch (RpcException)
        {
            // No health service: look at what it serves instead.
        }

        var served = await ServicesAsync(single.Address).ConfigureAwait(false);
        return served.Count == 0 || served.Contains(single.ServiceName) ? "answers" : await WrongServiceAsync(single).ConfigureAwait(false);
    }

    private static string HttpOnlyMessage(ServiceEndpoint endpoint)
    {
        var (grpc, json) = endpoint.Role == ServiceEndpoint.StorageRole
            ? (StorageServiceApp.DefaultUrl, StorageServiceApp.DefaultHttpJsonUrl)
            : (TimelineServiceApp.DefaultUrl, TimelineServiceApp.DefaultHttpJsonUrl);
        return $"{endpoint.Named} answers HTTP/1.1, not gRPC (HTTP/2): is it the HTTP/JSON port? "
            + $"{endpoint.Option} takes the {endpoint.Role}'s gRPC address (by default {grpc}; its HTTP/JSON port is {new Uri(json).Port}).";
    }

    private static async Task<string> WrongServiceAsync(ServiceEndpoint endpoint)
    {
        var served = await ServicesAsync(endpoint.Address).ConfigureAwait(false);
        var (otherRole, otherName, otherOption) = endpoint.Role == ServiceEndpoint.StorageRole
            ? (ServiceEndpoint.TimelineRole, ServiceEndpoint.TimelineServiceName, "--timeline")
            : (ServiceEndpoint.StorageRole, ServiceEndpoint.StorageServiceName, "--storage");
        var message = $"{endpoint.Named} answers gRPC but is not the {endpoint.Role}: it has no {endpoint.ServiceName}";
        if (served.Contains(otherName))
        {
            return $"{message}; it is the {otherRole}. Are {endpoint.Option} and {otherOption} swapped?";
        }

        var ours = served.Where(s => !s.StartsWith("grpc.", StringComparison.Ordinal)).ToList();
        return ours.Count > 0 ? $"{message} (it serves {string.Join(", ", ours)})." : $"{message}.";
    }

    /// <summary>The services the address lists through server reflection; empty when it does not say.</summary>
    private static async Task<HashSet<string>> ServicesAsync(Uri address)
    {
        try
        {
            using var channel = GrpcChannel.ForAddress(address);
            using var timeout = new CancellationTokenSource(ProbeTimeout);
            using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(cancellationToken: timeout.Token);
            await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" }, timeout.Token).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            return await call.ResponseStream.MoveNext(timeout.Token).ConfigureAwait(false)
                ? [.. call.ResponseStream.Current.ListServicesResponse?.Service.Select(s => s.Name) ?? []]
                : [];
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException or IOException)
        {
            return [];
        }
    }

    /// <summary>Whether a cleartext HTTP/2 gRPC server answers at the same host and port.</summary>
    private static Task<bool> AnswersCleartextGrpcAsync(Uri address) =>
        AnswersGrpcAsync(new UriBuilder(address) { Scheme = Uri.UriSchemeHttp, Port = address.Port }.Uri);

    /// <summary>Whether a gRPC server answers a health check at <paramref name="address"/> within the probe time.</summary>
    private static async Task<bool> AnswersGrpcAsync(Uri address)
    {
        try
        {
            using var channel = GrpcChannel.ForAddress(address);
            await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + ProbeTimeout).ConfigureAwait(false);
            return true;
        }
        catch (RpcException e)
        {
            // Any status the server sent (NOT_FOUND, UNAUTHENTICATED...) means it answered.
            return e.Status.DebugException is null && e.StatusCode != StatusCode.DeadlineExceeded;
        }
    }

    /// <summary>Whether the address completes a TLS handshake (any certificate: this only asks whether it speaks TLS).</summary>
    private static async Task<bool> SpeaksTlsAsync(Uri address)
    {
        try
        {
            using var timeout = new CancellationTokenSource(ProbeTimeout);
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(address.Host, address.Port, timeout.Token).ConfigureAwait(false);
            await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = address.Host }, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Whether the address answers a plain HTTP/1.1 request.</summary>
    private static async Task<bool> AnswersHttp11Async(Uri address)
    {
        try
        {
            using var client = new HttpClient { Timeout = ProbeTimeout };
            using var request = new HttpRequestMessage(HttpMethod.Get, address) { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
            using var response = await client.SendAsync(request).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private static T? Find<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds >= 1
        ? $"{t.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}s"
        : $"{t.TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture)}ms";
}
