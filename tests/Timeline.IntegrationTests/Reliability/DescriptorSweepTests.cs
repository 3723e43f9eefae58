using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Timeline.IntegrationTests.Http;
using Timeline.IntegrationTests.Reliability.Probes;
using Timeline.IntegrationTests.Reliability.Sweep;
using Timeline.IntegrationTests.Timeline;
using Timeline.Storage.V1;
using Timeline.Tests.Shared;

namespace Timeline.IntegrationTests.Reliability;

/// <summary>
/// Finds what nobody thought of: requests generated from the contract's descriptors for every
/// RPC of both services (streams too: their first message or their status), over gRPC and over
/// HTTP/JSON, against both real services holding the Mali report. No answer is UNKNOWN or
/// INTERNAL (gRPC) or a 5xx (HTTP); a refusal of the request's content names a field; no append
/// is stored; and the log is unchanged afterwards (every revision, its position and content).
/// Seeded, so a failure repeats; the first failing requests are shown with their answers.
/// </summary>
public sealed class DescriptorSweepTests : IAsyncLifetime
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(20);
    private static readonly StatusCode[] Answers = [StatusCode.OK, StatusCode.InvalidArgument, StatusCode.OutOfRange, StatusCode.FailedPrecondition, StatusCode.NotFound, StatusCode.ResourceExhausted];
    private JsonSystem system = null!;

    public async ValueTask InitializeAsync()
    {
        // A min_position past the log is refused after the whole wait: short here (above the 0.2 s checkpoint interval), so the sweep stays quick.
        system = await JsonSystem.StartAsync(timelineArgs: ["--Timeline:MinPositionWait", "00:00:00.300"]);
        await Storage.AppendEventsAsync(new AppendEventsRequest { Events = { MaliReport.Events() } }).ResponseAsync.WaitAsync(CallTimeout);
        await system.WaitUntilTimelineServingAsync();
    }

    public async ValueTask DisposeAsync() => await system.DisposeAsync();

    private EventStoreService.EventStoreServiceClient Storage => new(system.StorageChannel);

    [Fact]
    public Task Every_storage_rpc_over_grpc() => SweepGrpcAsync(ContractMethods.Storage, system.StorageChannel.CreateCallInvoker(), "EventStoreService", seed: 14_01);

    [Fact]
    public Task Every_timeline_rpc_over_grpc() => SweepGrpcAsync(ContractMethods.Timeline, system.TimelineChannel.CreateCallInvoker(), "TimelineService", seed: 14_02);

    [Fact]
    public Task Every_storage_route_over_http_json() => SweepHttpAsync(ContractMethods.Storage, system.StorageJson, "EventStoreService", seed: 14_03);

    [Fact]
    public Task Every_timeline_route_over_http_json() => SweepHttpAsync(ContractMethods.Timeline, system.TimelineJson, "TimelineService", seed: 14_04);

    private async Task SweepGrpcAsync(IReadOnlyList<MethodDescriptor> methods, CallInvoker invoker, string service, int seed)
    {
        var random = new Random(seed);
        var before = await LogAsync();
        var tally = new SweepTally(service, "gRPC");
        foreach (var method in methods)
        {
            foreach (var probe in GrpcProbes.For(method, random))
            {
                var outcome = await RawGrpc.CallAsync(invoker, method, probe.Payload, CallTimeout);
                tally.Record(method.Name, () => Describe(probe), Upper(outcome.Code), $"{Upper(outcome.Code)} {Quote(outcome.Detail)}".TrimEnd(), Judge(method, outcome));
            }
        }

        await AssertSweptAsync(tally, before, ["UNKNOWN", "INTERNAL"], methods.Count * 200);
    }

    private async Task SweepHttpAsync(IReadOnlyList<MethodDescriptor> methods, HttpClient client, string service, int seed)
    {
        var random = new Random(seed);
        var before = await LogAsync();
        var tally = new SweepTally(service, "HTTP/JSON");
        var routed = methods.Where(m => ContractMethods.Route(m) is not null).ToList();
        Assert.NotEmpty(routed);
        foreach (var method in routed)
        {
            foreach (var probe in HttpProbes.For(method, ContractMethods.Route(method)!, random))
            {
                var (status, body) = await SendAsync(client, probe);
                var code = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? Upper((StatusCode)n) : "";
                var summary = status == HttpStatusCode.OK ? "HTTP 200" : body.ValueKind == JsonValueKind.Undefined ? $"HTTP {(int)status} (no body)" : $"HTTP {(int)status} {code}";
                tally.Record(method.Name, () => $"{probe.Method} {Shorten(probe.PathAndQuery)} [{probe.Description}]", summary, $"{summary} {Shorten(body.ValueKind == JsonValueKind.Undefined ? "" : body.GetRawText())}", Judge(method, status, body));
            }
        }

        await AssertSweptAsync(tally, before, ["HTTP 500"], routed.Count * 150);
    }

    private async Task AssertSweptAsync(SweepTally tally, string before, string[] zero, int atLeast)
    {
        var after = await LogAsync();
        Figures.Report(tally.Figure(zero));
        tally.AssertNoFailures();
        Assert.True(tally.Requests >= atLeast, $"only {tally.Requests} requests generated");
        Assert.True(before == after, "the log changed: " + after);
    }

    /// <summary>Why an answer breaks a promise, or null when it is a fair answer to whatever was sent.</summary>
    private static string? Judge(MethodDescriptor method, RpcOutcome outcome)
    {
        if (!Answers.Contains(outcome.Code))
        {
            return $"{Upper(outcome.Code)} is never an answer to a request";
        }

        if (outcome.Code is StatusCode.InvalidArgument or StatusCode.OutOfRange && !outcome.ViolatedFields.Any(f => f.Length > 0))
        {
            return $"{Upper(outcome.Code)} without a field violation naming the field";
        }

        if (outcome.Code == StatusCode.OK && method.Name == "AppendEvents"
            && AppendEventsResponse.Parser.ParseFrom(outcome.Response).Results.Any(r => !r.NoOp))
        {
            return "an append the sweep built to be refused was stored";
        }

        return null;
    }

    private static string? Judge(MethodDescriptor method, HttpStatusCode status, JsonElement body)
    {
        var code = (int)status;
        if (code >= 500)
        {
            return $"HTTP {code}";
        }

        if (body.ValueKind == JsonValueKind.Undefined)
        {
            // Refused by Kestrel before any of the service's code (a request line or header too long, a path it cannot decode).
            return code is 400 or 413 or 414 or 431 ? null : $"HTTP {code} without a JSON body";
        }

        if (status == HttpStatusCode.OK)
        {
            return method.Name == "AppendEvents" && body.GetProperty("results").EnumerateArray().Any(r => !r.TryGetProperty("noOp", out var noOp) || !noOp.GetBoolean())
                ? "an append the sweep built to be refused was stored"
                : null;
        }

        if (!body.TryGetProperty("code", out var grpcCode) || !grpcCode.TryGetInt32(out var rpc))
        {
            return $"HTTP {code} whose body is not a google.rpc.Status";
        }

        var fields = body.TryGetProperty("details", out var details)
            ? details.EnumerateArray().Where(d => d.TryGetProperty("fieldViolations", out _)).SelectMany(d => d.GetProperty("fieldViolations").EnumerateArray()).Select(v => v.GetProperty("field").GetString()).ToList()
            : [];
        return rpc is 3 or 11 && !fields.Any(f => !string.IsNullOrEmpty(f)) ? $"HTTP {code} {Upper((StatusCode)rpc)} without a field violation naming the field" : null;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient client, HttpProbe probe)
    {
        using var request = new HttpRequestMessage(probe.Method, probe.PathAndQuery);
        if (probe.Body is not null)
        {
            request.Content = new ByteArrayContent(probe.Body);
            if (probe.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", probe.ContentType);
            }
        }

        using var response = await client.SendAsync(request).WaitAsync(CallTimeout);
        var text = await response.Content.ReadAsStringAsync().WaitAsync(CallTimeout);
        JsonElement body = default;
        if (text.Length > 0)
        {
            try
            {
                body = JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException)
            {
                body = JsonDocument.Parse(JsonSerializer.Serialize(new { notJson = text })).RootElement.Clone();
            }
        }

        return (response.StatusCode, body);
    }

    /// <summary>Every revision in the log (a subscription from the start to its caught-up marker), hashed, with the head.</summary>
    private async Task<string> LogAsync()
    {
        using var call = Storage.SubscribeEvents(new SubscribeEventsRequest());
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var revisions = 0;
        while (await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(CallTimeout))
        {
            var message = call.ResponseStream.Current;
            if (message.CaughtUp is { } caughtUp)
            {
                return $"head {caughtUp.Position}, {revisions} revisions, sha256 {Convert.ToHexString(hash.GetHashAndReset())}";
            }

            if (message.Event is { } record)
            {
                hash.AppendData(record.ToByteArray());
                revisions++;
            }
        }

        throw new InvalidOperationException("the subscription ended before its caught-up marker");
    }

    private static string Describe(Probe probe)
    {
        try
        {
            return probe.Message is { } message ? $"{probe.Description}: {Shorten(JsonFormatter.Default.Format(message))}" : $"{probe.Description}: {Shorten(Convert.ToHexString(probe.Payload))}";
        }
        catch (InvalidOperationException)
        {
            // A value JSON cannot show (a Timestamp out of range): the bytes, then.
            return $"{probe.Description}: {Shorten(Convert.ToHexString(probe.Payload))}";
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : $"{text[..300]}... ({text.Length} chars)";

    private static string Quote(string detail) => detail.Length == 0 ? "" : $"\"{Shorten(detail)}\"";

    /// <summary>StatusCode.InvalidArgument as gRPC writes it: INVALID_ARGUMENT.</summary>
    private static string Upper(StatusCode code)
    {
        var name = code.ToString();
        return string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) && char.IsLower(name[i - 1]) ? "_" + c : c.ToString())).ToUpperInvariant();
    }
}
