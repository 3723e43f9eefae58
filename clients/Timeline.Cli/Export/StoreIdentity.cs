using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Timeline.Storage.V1;

namespace Timeline.Cli.Export;

/// <summary>
/// A stable identity of the event store, read from the store itself: a hash of its first log
/// record (position 1: the event id and the instant the store recorded it, to the tick). The log is
/// append-only, so the record at position 1 never changes, and two installations share it only if
/// they recorded the same event id at the same 100 ns. Nothing to configure and nothing to keep
/// beside the store: a copy of the database (or the same store reached from another machine) keeps
/// its identity, a fresh store gets a new one.
/// </summary>
internal static class StoreIdentity
{
    /// <summary>16 hex digits, or null for an empty store.</summary>
    public static async Task<string?> ReadAsync(StorageClient storage, CancellationToken ct)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var call = storage.SubscribeEvents(new SubscribeEventsRequest { FromPosition = 0 }, cancellationToken: cancel.Token);
        try
        {
            while (await call.ResponseStream.MoveNext(cancel.Token))
            {
                switch (call.ResponseStream.Current.MessageCase)
                {
                    case SubscribeEventsResponse.MessageOneofCase.Event:
                        return Of(call.ResponseStream.Current.Event);
                    case SubscribeEventsResponse.MessageOneofCase.CaughtUp:
                        return null;
                }
            }

            return null;
        }
        finally
        {
            await cancel.CancelAsync();
        }
    }

    /// <summary>The identity that a store whose first record is <paramref name="first"/> has.</summary>
    public static string Of(Timeline.V1.EventRecord first)
    {
        var recorded = first.RecordedAt is { } at ? $"{at.Seconds}.{at.Nanos:D9}" : "";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{first.Position}\n{first.EventId}\n{recorded}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    /// <summary>The identity, or a clear refusal when the token may not read the store.</summary>
    public static async Task<string> RequireAsync(StorageClient storage, CancellationToken ct)
    {
        try
        {
            return await ReadAsync(storage, ct) ?? "empty";
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.PermissionDenied or StatusCode.Unauthenticated)
        {
            throw new CliException(
                "an iCalendar export names its events after the store they come from (UIDs unique across installations), "
                + $"which it reads from the storage service: the token needs the events:read scope there ({ex.Status.Detail})", ex);
        }
    }
}
