using System.Reflection;
using Timeline.Domain.Events;
using Timeline.StorageService.Storage;
using Timeline.V1;

namespace Timeline.StorageService.Tests;

/// <summary>
/// The storage seam (ARCHITECTURE §9): no database or gRPC type in <see cref="IEventLog"/>'s
/// signatures, nor in the values that cross it; and no gRPC type anywhere under <c>Storage/</c>
/// (writing a gRPC stream is <c>Grpc/</c>'s job).
/// </summary>
public sealed class SeamTests
{
    private static readonly string[] DatabaseAndGrpc = ["Dapper", "Microsoft.Data.Sqlite", "SQLitePCL", "Npgsql", "Grpc."];

    private static readonly string[] Grpc = ["Grpc."];

    [Fact]
    public void No_database_or_grpc_type_crosses_the_event_log_seam()
    {
        var crossing = Crossing(typeof(IEventLog));

        // The walk sees what does cross: the payload messages, the domain values, the filter.
        Assert.Superset(
            new HashSet<Type> { typeof(NewEvent), typeof(EventRecord), typeof(LogPosition), typeof(EventRevision), typeof(EventVersion.KnownAt), typeof(EventPage), typeof(ChronologicalKey), typeof(EventCriteria), typeof(DateTimeOffset), typeof(AppendedEvent) },
            crossing);
        Assert.Empty(crossing.Where(t => Named(t, DatabaseAndGrpc)).Select(t => t.FullName));

        // Wire types stay on the gRPC side: known_at crosses as a DateTimeOffset, not a Timestamp.
        Assert.DoesNotContain(typeof(Google.Protobuf.WellKnownTypes.Timestamp), crossing);
    }

    [Fact]
    public void Nothing_under_Storage_reads_or_writes_grpc_types()
    {
        var storageTypes = typeof(IEventLog).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("Timeline.StorageService.Storage", StringComparison.Ordinal) == true)
            .ToList();
        Assert.Contains(typeof(Subscription), storageTypes);

        var offenders = storageTypes
            .SelectMany(t => SignatureTypes(t).Where(s => Named(s, Grpc)).Select(s => $"{t.FullName} uses {s.FullName}"))
            .ToList();
        Assert.Empty(offenders);
    }

    /// <summary>Every type in the seam's member signatures, and in the members of the seam's own value types, recursively.</summary>
    private static HashSet<Type> Crossing(Type seam)
    {
        var seen = new HashSet<Type>();
        var pending = new Queue<Type>([seam]);
        while (pending.TryDequeue(out var type))
        {
            foreach (var used in SignatureTypes(type).SelectMany(Expand))
            {
                // The seam's own values and the domain's are walked too; the contract's messages are payload.
                if (seen.Add(used) && used.Assembly != typeof(EventRecord).Assembly &&
                    (used.Assembly == seam.Assembly || used.Assembly == typeof(EventCriteria).Assembly))
                {
                    pending.Enqueue(used);
                }
            }
        }

        return seen;
    }

    private static IEnumerable<Type> SignatureTypes(Type type)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var method in type.GetMethods(All).Where(m => !m.IsPrivate || type.IsInterface))
        {
            yield return method.ReturnType;
            foreach (var parameter in method.GetParameters())
            {
                yield return parameter.ParameterType;
            }
        }

        foreach (var constructor in type.GetConstructors(All))
        {
            foreach (var parameter in constructor.GetParameters())
            {
                yield return parameter.ParameterType;
            }
        }

        foreach (var property in type.GetProperties(All))
        {
            yield return property.PropertyType;
        }

        foreach (var field in type.GetFields(All))
        {
            yield return field.FieldType;
        }

        // A closed union's cases are part of it.
        foreach (var nested in type.GetNestedTypes(All).Where(n => n.IsSubclassOf(type)))
        {
            yield return nested;
        }
    }

    /// <summary>A type with the types it is made of: generic arguments, array elements, by-ref targets.</summary>
    private static IEnumerable<Type> Expand(Type type)
    {
        if (type.IsByRef || type.IsArray || type.IsPointer)
        {
            foreach (var inner in Expand(type.GetElementType()!))
            {
                yield return inner;
            }

            yield break;
        }

        yield return type;
        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments().SelectMany(Expand))
            {
                yield return argument;
            }
        }
    }

    private static bool Named(Type type, string[] prefixes)
    {
        var assembly = type.Assembly.GetName().Name ?? "";
        var ns = type.Namespace ?? "";
        return prefixes.Any(p => assembly.StartsWith(p, StringComparison.Ordinal) || ns.StartsWith(p, StringComparison.Ordinal));
    }
}
