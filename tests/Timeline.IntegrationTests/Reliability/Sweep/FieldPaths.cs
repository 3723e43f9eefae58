using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Timeline.IntegrationTests.Reliability.Sweep;

/// <summary>A field reached from a request message, through nested and repeated messages (the first element of a repeated one).</summary>
internal sealed record FieldPath(IReadOnlyList<FieldDescriptor> Fields)
{
    public FieldDescriptor Last => Fields[^1];

    /// <summary>As a field violation would name it, e.g. <c>events[0].location.latitude</c>.</summary>
    public string Name => string.Join('.', Fields.Take(Fields.Count - 1).Select(f => f.IsRepeated ? f.Name + "[0]" : f.Name).Append(Last.Name));

    /// <summary>As proto3 JSON names it, e.g. <c>events.0.expectedRevision</c> is <c>["events", 0, "expectedRevision"]</c>.</summary>
    public IEnumerable<object> JsonSteps => Fields.SelectMany<FieldDescriptor, object>((f, i) => i < Fields.Count - 1 && f.IsRepeated ? [f.JsonName, 0] : [f.JsonName]);

    /// <summary>Every field of <paramref name="message"/> at any depth, parents before their fields.</summary>
    public static IEnumerable<FieldPath> All(MessageDescriptor message, int depth = 5) => Walk(message, [], depth);

    /// <summary>The message that holds <see cref="Last"/> in <paramref name="root"/>, created on the way (a repeated field gets a first element when empty).</summary>
    public IMessage Holder(IMessage root)
    {
        var message = root;
        foreach (var field in Fields.Take(Fields.Count - 1))
        {
            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                if (list.Count == 0)
                {
                    list.Add(Activator.CreateInstance(field.MessageType.ClrType));
                }

                message = (IMessage)list[0]!;
            }
            else
            {
                if (field.Accessor.GetValue(message) is not IMessage child)
                {
                    child = (IMessage)Activator.CreateInstance(field.MessageType.ClrType)!;
                    field.Accessor.SetValue(message, child);
                }

                message = child;
            }
        }

        return message;
    }

    private static IEnumerable<FieldPath> Walk(MessageDescriptor message, FieldDescriptor[] prefix, int depth)
    {
        foreach (var field in message.Fields.InFieldNumberOrder())
        {
            FieldDescriptor[] path = [.. prefix, field];
            yield return new FieldPath(path);
            if (field.FieldType == FieldType.Message && !field.IsMap && depth > 1)
            {
                foreach (var nested in Walk(field.MessageType, path, depth - 1))
                {
                    yield return nested;
                }
            }
        }
    }
}
