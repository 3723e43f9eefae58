using Grpc.Core;

namespace Timeline.ServiceDefaults.Wire;

/// <summary>
/// A response type a service writes in place of the contract's message for one server-streaming
/// method, with a marshaller of its own: its bytes are the contract message's wire form (a client
/// reads them with the generated parser of <see cref="Contract"/>), but the server may produce them
/// without building that message, e.g. by copying stored bytes of an embedded message (an embedded
/// message and <c>bytes</c> share the length-delimited wire form).
/// <para>
/// A service opts in by declaring, beside (in place of) its override of the generated method, a
/// public method of the same name whose stream writer is <c>IServerStreamWriter&lt;TSelf&gt;</c>;
/// <see cref="GuardedMethodProvider{TService}"/> binds that one to the method's route, with the
/// same request marshaller, interceptors and endpoint metadata (<c>[Authorize]</c>,
/// <c>[EnableRateLimiting]</c>) as any other method.
/// </para>
/// </summary>
public interface IWireResponse<TSelf>
    where TSelf : class, IWireResponse<TSelf>
{
    /// <summary>The contract's response message these bytes are a form of.</summary>
    static abstract Type Contract { get; }

    /// <summary>Writes a response; reading one back is the client's business (its generated parser).</summary>
    static abstract Marshaller<TSelf> Marshaller { get; }
}
