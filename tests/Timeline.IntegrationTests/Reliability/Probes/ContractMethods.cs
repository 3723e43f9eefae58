using Google.Api;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Timeline.Storage.V1;

namespace Timeline.IntegrationTests.Reliability.Probes;

/// <summary>
/// Both contracts as their descriptors say: every method of both services, its request's fields,
/// and its HTTP/JSON route (google.api.http), so a probe covers whatever the contract holds today.
/// </summary>
internal static class ContractMethods
{
    public static IReadOnlyList<MethodDescriptor> Storage { get; } = [.. EventStoreService.Descriptor.Methods];

    public static IReadOnlyList<MethodDescriptor> Timeline { get; } = [.. V1.TimelineService.Descriptor.Methods];

    public static IEnumerable<MethodDescriptor> All => Storage.Concat(Timeline);

    /// <summary>The method's google.api.http rule, or null when it is gRPC only.</summary>
    public static HttpRule? Route(MethodDescriptor method) => method.GetOptions()?.GetExtension(AnnotationsExtensions.Http);

    /// <summary>
    /// Every path from <paramref name="message"/> to a field of type <paramref name="target"/>
    /// (through nested and repeated messages; maps aside), e.g. <c>known_at</c>.
    /// </summary>
    public static IEnumerable<FieldDescriptor[]> PathsTo(MessageDescriptor message, string target, int depth = 6)
    {
        if (depth == 0)
        {
            yield break;
        }

        foreach (var field in message.Fields.InFieldNumberOrder().Where(f => f.FieldType == FieldType.Message && !f.IsMap))
        {
            if (field.MessageType.FullName == target)
            {
                yield return [field];
            }
            else
            {
                foreach (var rest in PathsTo(field.MessageType, target, depth - 1))
                {
                    yield return [field, .. rest];
                }
            }
        }
    }

    /// <summary>The dotted proto names of a field path, as field violations name it (<c>events[0].title</c>: the first element of a repeated field).</summary>
    public static string Name(IEnumerable<FieldDescriptor> path) => string.Join('.', path.Select(f => f.IsRepeated ? f.Name + "[0]" : f.Name));

    /// <summary>The dotted proto names of a field path, as a query parameter names it (repeated fields without an index).</summary>
    public static string QueryName(IEnumerable<FieldDescriptor> path) => string.Join('.', path.Select(f => f.Name));

    /// <summary>
    /// Sets the field at the end of <paramref name="path"/>, creating the messages on the way (the
    /// first element of a repeated one); a repeated field at the end gets the value added.
    /// </summary>
    public static void Set(IMessage root, IReadOnlyList<FieldDescriptor> path, object value)
    {
        var message = root;
        foreach (var field in path.Take(path.Count - 1))
        {
            message = field.IsRepeated ? FirstOf((System.Collections.IList)field.Accessor.GetValue(message), field) : ChildOf(message, field);
        }

        var last = path[^1];
        if (last.IsRepeated)
        {
            ((System.Collections.IList)last.Accessor.GetValue(message)).Add(value);
        }
        else
        {
            last.Accessor.SetValue(message, value);
        }
    }

    private static IMessage ChildOf(IMessage message, FieldDescriptor field)
    {
        if (field.Accessor.GetValue(message) is not IMessage child)
        {
            child = (IMessage)Activator.CreateInstance(field.MessageType.ClrType)!;
            field.Accessor.SetValue(message, child);
        }

        return child;
    }

    private static IMessage FirstOf(System.Collections.IList list, FieldDescriptor field)
    {
        if (list.Count == 0)
        {
            list.Add(Activator.CreateInstance(field.MessageType.ClrType));
        }

        return (IMessage)list[0]!;
    }

    /// <summary>The HTTP/JSON path of <paramref name="rule"/> with its <c>{field}</c> variables filled from <paramref name="request"/>.</summary>
    public static string Path(HttpRule rule, IMessage request)
    {
        var template = rule.PatternCase switch
        {
            HttpRule.PatternOneofCase.Get => rule.Get,
            HttpRule.PatternOneofCase.Post => rule.Post,
            HttpRule.PatternOneofCase.Put => rule.Put,
            HttpRule.PatternOneofCase.Delete => rule.Delete,
            HttpRule.PatternOneofCase.Patch => rule.Patch,
            _ => throw new NotSupportedException(rule.PatternCase.ToString()),
        };
        foreach (var field in request.Descriptor.Fields.InFieldNumberOrder())
        {
            var variable = "{" + field.Name + "}";
            if (template.Contains(variable, StringComparison.Ordinal))
            {
                template = template.Replace(variable, Uri.EscapeDataString(field.Accessor.GetValue(request)?.ToString() ?? ""), StringComparison.Ordinal);
            }
        }

        return template;
    }

    public static HttpMethod Verb(HttpRule rule) => rule.PatternCase switch
    {
        HttpRule.PatternOneofCase.Get => HttpMethod.Get,
        HttpRule.PatternOneofCase.Post => HttpMethod.Post,
        HttpRule.PatternOneofCase.Put => HttpMethod.Put,
        HttpRule.PatternOneofCase.Delete => HttpMethod.Delete,
        HttpRule.PatternOneofCase.Patch => HttpMethod.Patch,
        _ => throw new NotSupportedException(rule.PatternCase.ToString()),
    };
}
