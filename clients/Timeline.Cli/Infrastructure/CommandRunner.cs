using Google.Rpc;
using Grpc.Core;

namespace Timeline.Cli.Infrastructure;

/// <summary>Runs a command body and turns failures into a message on stderr and a non-zero exit code.</summary>
internal static class CommandRunner
{
    public const int Failed = 1;

    public static async Task<int> RunAsync(CliContext context, Func<Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body();
        }
        catch (RpcException) when (cancellationToken.IsCancellationRequested)
        {
            // The person stopped the command (Ctrl-C, SIGTERM): whatever the call said on the way down
            // (Cancelled, or Unavailable "the request was aborted" when the stream's reset wins the race)
            // is the stop they asked for, not an error.
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (RpcException ex)
        {
            WriteRpcError(context.Error, ex);
            return Failed;
        }
        catch (CliException ex)
        {
            context.Error.WriteLine($"error: {ex.Message}");
            if (context.Verbose && ex.InnerException is { } inner)
            {
                context.Error.WriteLine();
                context.Error.WriteLine(inner.ToString());
            }

            return Failed;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return UnexpectedFailure.Write(context.Error, ex, context.Verbose);
        }
    }

    /// <summary>The status message, each refused field (AIP-193 BadRequest) and the reason, one per line.</summary>
    public static void WriteRpcError(TextWriter error, RpcException ex)
    {
        error.WriteLine($"error: {ex.Status.Detail} ({ex.StatusCode})");
        var status = ex.GetRpcStatus();
        if (status?.GetDetail<BadRequest>() is { } badRequest)
        {
            foreach (var violation in badRequest.FieldViolations)
            {
                error.WriteLine($"  {violation.Field}: {violation.Description}");
            }
        }

        if (status?.GetDetail<ErrorInfo>() is { } info && info.Reason.Length > 0)
        {
            error.WriteLine($"  reason: {info.Reason} ({info.Domain})");
        }
    }
}
