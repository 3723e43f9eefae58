using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Timeline.Cli.Infrastructure;

/// <summary>
/// Gives every call to one service a deadline and turns a failure to reach the service into a
/// <see cref="CliException"/> that says what is wrong with the address (<see cref="ConnectionProblem"/>).
/// A unary call without a deadline of its own gets <c>--timeout</c>; a server stream gets the same
/// time to deliver its first message (or to end), then runs as long as it must (watch runs until
/// Ctrl-C). Refusals by the service itself (a bad field, a missing token) pass through untouched.
/// </summary>
internal sealed class CallGuard(ServiceEndpoint endpoint, TimeSpan timeout, TimeProvider clock) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var options = context.Options.Deadline is null ? context.Options.WithDeadline(clock.GetUtcNow().UtcDateTime + timeout) : context.Options;
        var call = continuation(request, new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, options));
        return new AsyncUnaryCall<TResponse>(
            Translate(call.ResponseAsync, context.Options.CancellationToken, timedOut: null),
            call.ResponseHeadersAsync,
            call.GetStatus,
            call.GetTrailers,
            call.Dispose);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        // Cancelled when the first answer does not come in time; disarmed once it has.
        var firstAnswer = CancellationTokenSource.CreateLinkedTokenSource(context.Options.CancellationToken);
        firstAnswer.CancelAfter(timeout);
        var call = continuation(request, new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithCancellationToken(firstAnswer.Token)));
        var stream = new GuardedStream<TResponse>(this, call.ResponseStream, firstAnswer, context.Options.CancellationToken);
        return new AsyncServerStreamingCall<TResponse>(
            stream,
            call.ResponseHeadersAsync,
            call.GetStatus,
            call.GetTrailers,
            () =>
            {
                call.Dispose();
                firstAnswer.Dispose();
            });
    }

    private async Task<T> Translate<T>(Task<T> task, CancellationToken callerToken, Func<bool>? timedOut)
    {
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch (RpcException ex) when (!callerToken.IsCancellationRequested)
        {
            var deadline = ex.StatusCode == StatusCode.DeadlineExceeded || (ex.StatusCode == StatusCode.Cancelled && timedOut?.Invoke() == true);
            if (await ConnectionProblem.DescribeAsync(endpoint, ex, deadline ? timeout : null).ConfigureAwait(false) is { } message)
            {
                throw new CliException(message, ex);
            }

            throw;
        }
    }

    private sealed class GuardedStream<T>(CallGuard guard, IAsyncStreamReader<T> inner, CancellationTokenSource firstAnswer, CancellationToken callerToken) : IAsyncStreamReader<T>
    {
        private bool answered;

        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            var moved = await guard.Translate(inner.MoveNext(cancellationToken), callerToken, () => !answered && firstAnswer.IsCancellationRequested).ConfigureAwait(false);
            if (!answered)
            {
                answered = true;
                try
                {
                    firstAnswer.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);
                }
                catch (ObjectDisposedException)
                {
                }
            }

            return moved;
        }
    }
}
