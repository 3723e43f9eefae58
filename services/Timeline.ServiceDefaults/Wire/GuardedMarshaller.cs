using System.Buffers;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Timeline.ServiceDefaults.Wire;

/// <summary>
/// Wraps a method's marshallers: a request the generated parser cannot read (a string field that
/// is not UTF-8, a truncated or malformed message) is refused with INVALID_ARGUMENT and a
/// <c>BadRequest</c> naming the field (<see cref="WireDiagnosis"/>); a response that cannot be
/// written is INTERNAL with a logged error id.
/// </summary>
internal sealed class GuardedMarshaller(string errorDomain, ILogger logger)
{
    public const string Reason = "MALFORMED_REQUEST";

    public Method<TRequest, TResponse> Guard<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class =>
        new(method.Type, method.ServiceName, method.Name, Requests(method.RequestMarshaller, method.FullName), Responses(method.ResponseMarshaller, method.FullName));

    private Marshaller<T> Requests<T>(Marshaller<T> inner, string method)
        where T : class
    {
        var descriptor = DescriptorOf<T>();
        return new Marshaller<T>(inner.ContextualSerializer, context =>
        {
            try
            {
                return inner.ContextualDeserializer(context);
            }
            catch (Exception e) when (e is not RpcException and not OperationCanceledException)
            {
                throw Unparsable(method, descriptor, context, e);
            }
        });
    }

    private Marshaller<T> Responses<T>(Marshaller<T> inner, string method)
        where T : class =>
        new((message, context) =>
        {
            try
            {
                inner.ContextualSerializer(message, context);
            }
            catch (Exception e) when (e is not RpcException and not OperationCanceledException)
            {
                throw ProblemStatus.Unexpected(e, method, errorDomain, logger);
            }
        }, inner.ContextualDeserializer);

    private RpcException Unparsable(string method, MessageDescriptor? descriptor, DeserializationContext context, Exception e)
    {
        var payload = context.PayloadAsReadOnlySequence().ToArray();
        var located = descriptor is null ? null : WireDiagnosis.Locate(descriptor, payload);
        var (field, problem) = located ?? (WireDiagnosis.WholeRequest, $"cannot be parsed as {descriptor?.FullName ?? typeof(object).Name}: {e.Message}");

        ServiceDefaultsLog.Unparsable(logger, method, field, problem);
        var status = new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = $"{field}: {problem}",
            Details =
            {
                Any.Pack(new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = field, Description = problem } } }),
                Any.Pack(new ErrorInfo { Reason = Reason, Domain = errorDomain }),
            },
        };
        return status.ToRpcException();
    }

    private static MessageDescriptor? DescriptorOf<T>() =>
        typeof(IMessage).IsAssignableFrom(typeof(T)) ? ((IMessage)Activator.CreateInstance(typeof(T))!).Descriptor : null;
}
