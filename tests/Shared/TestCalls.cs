using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Timeline.Tests.Shared;

/// <summary>
/// What the test fixtures' channels add to every call a test makes through them: a deadline on a
/// unary call that has none (a hung service fails the call, not the whole run), and the test's own
/// cancellation token on a call that has none (a cancelled or timed-out test stops its calls).
/// A call that sets its own deadline or token keeps it.
/// </summary>
internal sealed class TestCalls : Interceptor
{
    /// <summary>The deadline of a unary test call that sets none: longer than any call a test makes.</summary>
    public static readonly TimeSpan UnaryDeadline = TimeSpan.FromSeconds(60);

    /// <summary>A call invoker over <paramref name="channel"/> that bounds every call a test makes.</summary>
    public static CallInvoker Bound(ChannelBase channel) => channel.Intercept(new TestCalls());

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, With(context, unary: true));

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, With(context, unary: true));

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, With(context, unary: false));

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(With(context, unary: false));

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(With(context, unary: false));

    private static ClientInterceptorContext<TRequest, TResponse> With<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, bool unary)
        where TRequest : class
        where TResponse : class
    {
        var options = context.Options;
        if (unary && options.Deadline is null)
        {
            options = options.WithDeadline(DateTime.UtcNow + UnaryDeadline);
        }

        if (!options.CancellationToken.CanBeCanceled && TestContext.Current.CancellationToken.CanBeCanceled)
        {
            options = options.WithCancellationToken(TestContext.Current.CancellationToken);
        }

        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, options);
    }
}
