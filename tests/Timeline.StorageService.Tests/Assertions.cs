using Google.Rpc;
using Grpc.Core;

namespace Timeline.StorageService.Tests;

internal static class Assertions
{
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Awaits a call that must fail with <paramref name="code"/>; returns its rich status.</summary>
    public static async Task<Google.Rpc.Status> FailsWith(StatusCode code, Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => call().WaitAsync(CallTimeout));
        Assert.Equal(code, ex.StatusCode);
        var status = ex.GetRpcStatus();
        Assert.NotNull(status);
        return status;
    }

    public static IReadOnlyList<BadRequest.Types.FieldViolation> Violations(Google.Rpc.Status status) =>
        status.GetDetail<BadRequest>()?.FieldViolations.ToList() ?? [];

    public static string? Reason(Google.Rpc.Status status) => status.GetDetail<ErrorInfo>()?.Reason;
}
