using System.Net;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Timeline.Domain.Validation;
using Timeline.IntegrationTests.Http;
using Timeline.IntegrationTests.Reliability.Probes;
using Timeline.IntegrationTests.Timeline;
using Timeline.Storage.V1;

namespace Timeline.IntegrationTests.Reliability;

/// <summary>
/// Every Timestamp field of both contracts, found from the request descriptors (so a field added
/// later is covered too), refused with INVALID_ARGUMENT naming it when out of range, over gRPC and
/// HTTP/JSON, and the range's own ends accepted.
/// </summary>
public sealed class TimestampFieldTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = JsonSystem.Timeout;
    private JsonSystem system = null!;

    public async ValueTask InitializeAsync()
    {
        system = await JsonSystem.StartAsync();
        await new EventStoreService.EventStoreServiceClient(system.StorageChannel)
            .AppendEventsAsync(new AppendEventsRequest { Events = { MaliReport.Events() } }).ResponseAsync.WaitAsync(Timeout);
        await system.WaitUntilTimelineServingAsync();
    }

    public async ValueTask DisposeAsync() => await system.DisposeAsync();

    public static TheoryData<long, int> OutOfRange => new()
    {
        { 0, -1 },
        { 0, 1_000_000_000 },
        { 0, int.MinValue },
        { 0, int.MaxValue },
        { TimestampFields.MinSeconds - 1, 0 },
        { TimestampFields.MaxSeconds + 1, 0 },
        { long.MinValue, 0 },
        { long.MaxValue, 999_999_999 },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public async Task An_out_of_range_timestamp_in_any_field_is_invalid_argument_naming_it_over_grpc(long seconds, int nanos)
    {
        foreach (var (method, path) in TimestampFieldsOfBothContracts())
        {
            var outcome = await CallAsync(method, path, new Timestamp { Seconds = seconds, Nanos = nanos });
            var name = ContractMethods.Name(path);
            Assert.True(outcome.Code == StatusCode.InvalidArgument, $"{method.FullName} {name}={seconds}s {nanos}ns: {outcome}");
            Assert.Contains(name, outcome.ViolatedFields);
            Assert.Equal("INVALID_TIMESTAMP", outcome.Rich?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason);
        }
    }

    [Fact]
    public async Task The_ends_of_the_range_are_accepted_over_grpc()
    {
        foreach (var (method, path) in TimestampFieldsOfBothContracts())
        {
            foreach (var edge in new[] { new Timestamp { Seconds = TimestampFields.MinSeconds }, new Timestamp { Seconds = TimestampFields.MaxSeconds, Nanos = 999_999_999 } })
            {
                var outcome = await CallAsync(method, path, edge);
                Assert.True(outcome.Code is StatusCode.OK or StatusCode.NotFound, $"{method.FullName} {ContractMethods.Name(path)}={edge}: {outcome}");
            }
        }
    }

    [Theory]
    [InlineData("10000-01-01T00:00:00Z")]
    [InlineData("0000-12-31T23:59:59Z")]
    [InlineData("-0001-01-01T00:00:00Z")]
    [InlineData("2023-01-01T00:00:00.1234567891Z")]
    [InlineData("2023-02-30T00:00:00Z")]
    [InlineData("2023-10-16")]
    [InlineData("yesterday")]
    [InlineData("")]
    public async Task An_unreadable_or_out_of_range_timestamp_is_a_400_naming_it_over_http_json(string value)
    {
        foreach (var (method, path) in TimestampFieldsOfBothContracts())
        {
            var (status, json) = await GetAsync(method, path, value);
            var name = ContractMethods.Name(path);
            Assert.True(status == HttpStatusCode.BadRequest, $"{method.FullName} ?{name}={value}: {status} {json}");
            Assert.Equal(3, json.GetProperty("code").GetInt32());
            Assert.Contains(name, Fields(json));
        }
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59.999999999Z")]
    [InlineData("2023-10-16T12:00:00+02:00")]
    public async Task The_ends_of_the_range_are_accepted_over_http_json(string value)
    {
        foreach (var (method, path) in TimestampFieldsOfBothContracts())
        {
            var (status, json) = await GetAsync(method, path, value);
            Assert.True(status is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{method.FullName} ?{ContractMethods.Name(path)}={value}: {status} {json}");
        }
    }

    /// <summary>Every (method, field path) whose field is a google.protobuf.Timestamp, in both contracts' requests.</summary>
    private static List<(MethodDescriptor Method, FieldDescriptor[] Path)> TimestampFieldsOfBothContracts()
    {
        var found = ContractMethods.All
            .SelectMany(m => ContractMethods.PathsTo(m.InputType, Timestamp.Descriptor.FullName).Select(p => (m, p)))
            .ToList();

        // The ones the contract has today must be among them (the discovery itself is under test too).
        Assert.Superset(
            new HashSet<string> { "GetEvent known_at", "ListEvents known_at", "GetTimeline known_at" },
            found.Select(f => $"{f.m.Name} {ContractMethods.Name(f.p)}").ToHashSet());
        return found;
    }

    private async Task<RpcOutcome> CallAsync(MethodDescriptor method, FieldDescriptor[] path, Timestamp value)
    {
        var request = Samples.Valid(method);
        ContractMethods.Set(request, path, value);
        var channel = ContractMethods.Storage.Contains(method) ? system.StorageChannel : system.TimelineChannel;
        return await RawGrpc.CallAsync(channel.CreateCallInvoker(), method, request.ToByteArray(), Timeout);
    }

    private async Task<(HttpStatusCode Status, JsonElement Json)> GetAsync(MethodDescriptor method, FieldDescriptor[] path, string value)
    {
        var rule = ContractMethods.Route(method);
        Assert.NotNull(rule);
        var client = ContractMethods.Storage.Contains(method) ? system.StorageJson : system.TimelineJson;
        var url = $"{ContractMethods.Path(rule, Samples.Valid(method))}?{ContractMethods.QueryName(path)}={Uri.EscapeDataString(value)}";
        return await HttpJsonTests.GetJsonAsync(client, url);
    }

    private static IEnumerable<string?> Fields(JsonElement status) =>
        status.TryGetProperty("details", out var details)
            ? details.EnumerateArray().SelectMany(d => d.TryGetProperty("fieldViolations", out var v) ? v.EnumerateArray() : []).Select(v => v.GetProperty("field").GetString())
            : [];
}
