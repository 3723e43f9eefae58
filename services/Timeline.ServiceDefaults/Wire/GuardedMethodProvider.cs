using System.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Timeline.ServiceDefaults.Wire;

/// <summary>
/// Registers <see cref="GuardedMethodProvider{TService}"/> in place of grpc-dotnet's default
/// provider, as the service container is built: whoever calls <c>AddGrpc</c> again meanwhile (a
/// test adding an interceptor) re-adds the default provider, and two providers would bind every
/// method twice.
/// </summary>
internal sealed class GuardedMethods(ServiceProviderOptions options) : IServiceProviderFactory<IServiceCollection>
{
    public IServiceCollection CreateBuilder(IServiceCollection services)
    {
        var binders = services.Where(d =>
            d.ServiceType == typeof(IServiceMethodProvider<>) && d.ImplementationType?.Name.StartsWith("BinderServiceMethodProvider", StringComparison.Ordinal) == true).ToList();
        if (binders.Count == 0)
        {
            throw new InvalidOperationException("grpc-dotnet's BinderServiceMethodProvider is not registered; Timeline's GuardedMethodProvider must replace it (check the Grpc.AspNetCore version)");
        }

        binders.ForEach(d => services.Remove(d));
        services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(GuardedMethodProvider<>));
        return services;
    }

    public IServiceProvider CreateServiceProvider(IServiceCollection containerBuilder) => containerBuilder.BuildServiceProvider(options);
}

/// <summary>
/// Binds each gRPC service's methods as grpc-dotnet's own binder does (the generated
/// <c>BindService</c>, the overriding method, its attributes as endpoint metadata), but with
/// marshallers that answer for themselves (<see cref="GuardedMarshaller"/>): a request whose bytes
/// cannot be parsed is INVALID_ARGUMENT naming the field, and a response that cannot be serialized
/// is INTERNAL with a logged error id. grpc-dotnet reads the request before any interceptor runs and
/// answers what its deserializer throws with UNKNOWN "Exception was thrown by handler.", so this is
/// the only place that can do it. A server-streaming method the service serves with a response
/// type of its own (<see cref="IWireResponse{TSelf}"/>) is bound to that type's marshaller instead.
/// </summary>
internal sealed class GuardedMethodProvider<TService>(ErrorDomain domain, ILoggerFactory loggers) : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        if (FindBindMethod(typeof(TService)) is not { } bind)
        {
            return;
        }

        var marshallers = new GuardedMarshaller(domain.Name, loggers.CreateLogger<GuardedMarshaller>());
        bind.Invoke(null, [new Binder(context, bind.GetParameters()[1].ParameterType, marshallers), null]);
    }

    /// <summary>The generated <c>static void BindService(ServiceBinderBase, XBase)</c>, named by <see cref="BindServiceMethodAttribute"/> on the service's base class.</summary>
    private static MethodInfo? FindBindMethod(Type serviceType)
    {
        for (var type = serviceType; type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } attribute)
            {
                return attribute.BindType.GetMethod(attribute.BindMethodName, BindingFlags.Public | BindingFlags.Static, [typeof(ServiceBinderBase), type]);
            }
        }

        return null;
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context, Type declaringType, GuardedMarshaller marshallers) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(ServerCallContext));
            context.AddUnaryMethod(marshallers.Guard(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            if (WireResponseMethod(method.Name, typeof(TRequest)) is { } wire)
            {
                typeof(Binder).GetMethod(nameof(AddWireResponseMethod), BindingFlags.NonPublic | BindingFlags.Instance)!
                    .MakeGenericMethod(typeof(TRequest), typeof(TResponse), wire.Response)
                    .Invoke(this, [method, wire.Handler]);
                return;
            }

            var (invoker, metadata) = Model<ServerStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddServerStreamingMethod(marshallers.Guard(method), metadata, invoker);
        }

        /// <summary>
        /// The service's own method of this name (<c>(TRequest, IServerStreamWriter&lt;T&gt;, ServerCallContext)</c>)
        /// whose <c>T</c> is an <see cref="IWireResponse{TSelf}"/>, with that type, if it declares one.
        /// </summary>
        private static (MethodInfo Handler, Type Response)? WireResponseMethod(string name, Type request)
        {
            var own = typeof(TService).GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Where(m => m.Name == name && !m.IsVirtual)
                .Select(m => (Handler: m, Parameters: m.GetParameters()))
                .Where(m => m.Parameters.Length == 3 && m.Parameters[0].ParameterType == request && m.Parameters[2].ParameterType == typeof(ServerCallContext)
                    && m.Parameters[1].ParameterType.IsGenericType && m.Parameters[1].ParameterType.GetGenericTypeDefinition() == typeof(IServerStreamWriter<>))
                .Select(m => (m.Handler, Response: m.Parameters[1].ParameterType.GetGenericArguments()[0]))
                .Where(m => m.Response.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IWireResponse<>)))
                .ToList();
            return own.Count switch
            {
                0 => null,
                1 => own[0],
                _ => throw new InvalidOperationException($"{typeof(TService)} declares {own.Count} wire-response methods {name}; one at most"),
            };
        }

        /// <summary>
        /// Binds the service's own method to the contract method's route: the same service and
        /// method name, the contract's request marshaller, the wire type's response marshaller
        /// (both guarded), the method's metadata.
        /// </summary>
        private void AddWireResponseMethod<TRequest, TContract, TWire>(Method<TRequest, TContract> contract, MethodInfo handler)
            where TRequest : class
            where TContract : class
            where TWire : class, IWireResponse<TWire>
        {
            if (TWire.Contract != typeof(TContract))
            {
                throw new InvalidOperationException($"{typeof(TWire)} is a form of {TWire.Contract}, but {contract.FullName} responds with {typeof(TContract)}");
            }

            var method = new Method<TRequest, TWire>(contract.Type, contract.ServiceName, contract.Name, contract.RequestMarshaller, TWire.Marshaller);
            context.AddServerStreamingMethod(marshallers.Guard(method), Metadata(handler), handler.CreateDelegate<ServerStreamingServerMethod<TService, TRequest, TWire>>());
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<ClientStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));
            context.AddClientStreamingMethod(marshallers.Guard(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddDuplexStreamingMethod(marshallers.Guard(method), metadata, invoker);
        }

        /// <summary>
        /// The service's implementation of the method (the override of the generated base's virtual
        /// method, or the base's own "unimplemented" one) and its metadata: the service type's
        /// attributes, then the method's (so <c>[Authorize]</c> and <c>[EnableRateLimiting]</c> apply), then POST only.
        /// </summary>
        private (TDelegate Invoker, List<object> Metadata) Model<TDelegate>(string name, params Type[] parameters)
            where TDelegate : Delegate
        {
            var handler = Implementation(name, parameters) ?? throw new InvalidOperationException($"{typeof(TService)} has no method {name} to bind");
            return ((TDelegate)Delegate.CreateDelegate(typeof(TDelegate), handler), Metadata(handler));
        }

        private static List<object> Metadata(MethodInfo handler)
        {
            var metadata = new List<object>();
            metadata.AddRange(typeof(TService).GetCustomAttributes(inherit: true));
            metadata.AddRange(handler.GetCustomAttributes(inherit: true));
            metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
            return metadata;
        }

        private MethodInfo? Implementation(string name, Type[] parameters)
        {
            for (var type = typeof(TService); type is not null; type = type.BaseType)
            {
                var method = type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters);
                if (method is null)
                {
                    return null;
                }

                // A method that hides the generated one (same name, not an override) is not it.
                if (method.IsVirtual && method.GetBaseDefinition().DeclaringType == declaringType)
                {
                    return method;
                }
            }

            return null;
        }
    }
}
