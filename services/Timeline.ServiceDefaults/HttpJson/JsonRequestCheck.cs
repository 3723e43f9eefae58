using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Timeline.Domain.Validation;

namespace Timeline.ServiceDefaults.HttpJson;

/// <summary>
/// Reads an HTTP/JSON request against its message descriptor before the transcoding does, so that
/// every way it can be wrong is refused like a gRPC refusal: each bad field named, with the reason.
/// Proto3 JSON as the transcoding reads it (field names in lowerCamelCase or as in the .proto,
/// 64-bit integers as numbers or strings, enums by name or number, Timestamps in RFC 3339), with
/// one rule of ours: an unknown field, in the body or as a query parameter, is refused, not
/// ignored (a misspelt filter must not silently widen the answer).
/// </summary>
internal static class JsonRequestCheck
{
    private const int MaxDepth = 64;
    private const int MaxNamesListed = 12;

    /// <summary>The body, as the message <paramref name="descriptor"/> (the whole request, or the field the route's body names).</summary>
    public static void Body(ReadOnlyMemory<byte> body, MessageDescriptor descriptor, string prefix, List<FieldViolation> violations)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException e)
        {
            violations.Add(new(Field(prefix), $"the body is not JSON: {e.Message}"));
            return;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                violations.Add(new(Field(prefix), $"the body must be a JSON object ({descriptor.Name}), got {Kind(document.RootElement)}"));
                return;
            }

            Message(document.RootElement, descriptor, prefix, violations);
        }
    }

    /// <summary>One query parameter (or route value): a dotted field path and its values, as text.</summary>
    public static void Parameter(MessageDescriptor request, string name, IReadOnlyList<string?> values, List<FieldViolation> violations)
    {
        var field = Resolve(request, name, out var problem);
        if (field is null)
        {
            violations.Add(new(name, problem));
            return;
        }

        if (values.Count > 1 && !field.IsRepeated)
        {
            violations.Add(new(name, $"given {values.Count} times; it takes one value"));
            return;
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (TextProblem(field, values[i] ?? "") is { } textProblem)
            {
                violations.Add(new(values.Count > 1 ? $"{name}[{i}]" : name, textProblem));
            }
        }
    }

    /// <summary>The field a dotted query parameter names, through singular messages to a scalar (or a Timestamp), or null with why not.</summary>
    private static FieldDescriptor? Resolve(MessageDescriptor request, string name, out string problem)
    {
        var message = request;
        var segments = name.Split('.');
        for (var i = 0; i < segments.Length; i++)
        {
            var field = Find(message, segments[i]);
            if (field is null)
            {
                problem = $"unknown query parameter; {message.Name} has {Names(message)}";
                return null;
            }

            var last = i == segments.Length - 1;
            if (field.FieldType == FieldType.Message && !IsScalarLike(field.MessageType))
            {
                if (last || field.IsRepeated || field.IsMap)
                {
                    problem = $"'{segments[i]}' is a message; name one of its fields, e.g. {segments[i]}.{field.MessageType.Fields.InDeclarationOrder()[0].Name}";
                    return null;
                }

                message = field.MessageType;
                continue;
            }

            if (!last)
            {
                problem = $"'{segments[i]}' has no fields";
                return null;
            }

            if (field.IsMap)
            {
                problem = "a map cannot be given as a query parameter";
                return null;
            }

            problem = "";
            return field;
        }

        problem = "empty name";
        return null;
    }

    private static void Message(JsonElement element, MessageDescriptor descriptor, string path, List<FieldViolation> violations)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (IsScalarLike(descriptor))
        {
            if (WellKnownProblem(element, descriptor) is { } problem)
            {
                violations.Add(new(Field(path), problem));
            }

            return;
        }

        if (descriptor.FullName.StartsWith("google.protobuf.", StringComparison.Ordinal))
        {
            // Struct, Value, Any, Duration, FieldMask...: the transcoding's own reading applies.
            return;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            violations.Add(new(Field(path), $"must be a JSON object ({descriptor.Name}), got {Kind(element)}"));
            return;
        }

        var seen = new Dictionary<FieldDescriptor, string>();
        foreach (var property in element.EnumerateObject())
        {
            string name;
            try
            {
                name = property.Name;
            }
            catch (InvalidOperationException e)
            {
                violations.Add(new(Field(path), $"has a field name that is not valid text: {e.Message}"));
                continue;
            }

            var field = Find(descriptor, name);
            if (field is null)
            {
                violations.Add(new(Join(path, name), $"unknown field; {descriptor.Name} has {Names(descriptor)}"));
                continue;
            }

            var fieldPath = Join(path, field.Name);
            if (seen.TryGetValue(field, out var earlier))
            {
                violations.Add(new(fieldPath, $"given twice ('{earlier}' and '{name}')"));
                continue;
            }

            seen[field] = name;
            if (field.ContainingOneof is { } oneof && property.Value.ValueKind != JsonValueKind.Null
                && seen.Keys.FirstOrDefault(f => f != field && f.ContainingOneof == oneof) is { } other)
            {
                violations.Add(new(fieldPath, $"only one of {oneof.Name}'s fields may be set; {other.Name} is too"));
                continue;
            }

            Field(property.Value, field, fieldPath, violations);
        }
    }

    private static void Field(JsonElement value, FieldDescriptor field, string path, List<FieldViolation> violations)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            // The transcoding cannot take null for a list or a map; leave the field out instead.
            if (field.IsRepeated)
            {
                violations.Add(new(path, $"must be a JSON {(field.IsMap ? "object" : "array")} or left out, not null"));
            }

            return;
        }

        if (field.IsMap)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                violations.Add(new(path, $"must be a JSON object (a map), got {Kind(value)}"));
                return;
            }

            var keyField = field.MessageType.FindFieldByNumber(1);
            var valueField = field.MessageType.FindFieldByNumber(2);
            foreach (var entry in value.EnumerateObject())
            {
                string key;
                try
                {
                    key = entry.Name;
                }
                catch (InvalidOperationException e)
                {
                    violations.Add(new(path, $"has a key that is not valid text: {e.Message}"));
                    continue;
                }

                if (TextProblem(keyField, key) is { } keyProblem)
                {
                    violations.Add(new($"{path}[{key}]", $"key: {keyProblem}"));
                }
                else if (entry.Value.ValueKind == JsonValueKind.Null)
                {
                    violations.Add(new($"{path}[{key}]", "must not be null"));
                }
                else
                {
                    Single(entry.Value, valueField, $"{path}[{key}]", violations);
                }
            }

            return;
        }

        if (field.IsRepeated)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                violations.Add(new(path, $"must be a JSON array, got {Kind(value)}"));
                return;
            }

            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                var itemPath = $"{path}[{index++}]";
                if (item.ValueKind == JsonValueKind.Null)
                {
                    violations.Add(new(itemPath, "must not be null"));
                }
                else
                {
                    Single(item, field, itemPath, violations);
                }
            }

            return;
        }

        Single(value, field, path, violations);
    }

    private static void Single(JsonElement value, FieldDescriptor field, string path, List<FieldViolation> violations)
    {
        if (field.FieldType == FieldType.Message)
        {
            Message(value, field.MessageType, path, violations);
            return;
        }

        var problem = value.ValueKind switch
        {
            JsonValueKind.String => StringValue(value, out var text) is { } invalid ? invalid : JsonStringProblem(field, text),
            JsonValueKind.Number => NumberProblem(field, value),
            JsonValueKind.True or JsonValueKind.False => field.FieldType == FieldType.Bool ? null : Expected(field, value),
            _ => Expected(field, value),
        };
        if (problem is not null)
        {
            violations.Add(new(path, problem));
        }
    }

    /// <summary>
    /// A scalar given as a JSON string: as text, except that a float takes only the names of the
    /// values JSON numbers cannot write (the transcoding reads no other string as a number).
    /// </summary>
    private static string? JsonStringProblem(FieldDescriptor field, string text) => field.FieldType switch
    {
        FieldType.Float or FieldType.Double => text is "NaN" or "Infinity" or "-Infinity" ? null : $"must be a JSON number, or \"NaN\", \"Infinity\" or \"-Infinity\"; got the string '{Quote(text)}'",
        _ => TextProblem(field, text),
    };

    /// <summary>A scalar given as text (a JSON string, a query parameter): null when the field's type reads it.</summary>
    private static string? TextProblem(FieldDescriptor field, string text) => field.FieldType switch
    {
        FieldType.String => null,
        FieldType.Bool => text is "true" or "false" ? null : $"must be true or false, got '{Quote(text)}'",
        FieldType.Bytes => IsBase64(text) ? null : "must be base64",
        FieldType.Enum => field.EnumType.FindValueByName(text) is not null || int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            ? null
            : $"'{Quote(text)}' is not one of {string.Join(", ", field.EnumType.Values.Select(v => v.Name))}",
        FieldType.Float or FieldType.Double => text is "NaN" or "Infinity" or "-Infinity" || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? null
            : $"must be a number, got '{Quote(text)}'",
        FieldType.Message => WellKnownTextProblem(field.MessageType, text),
        _ => IntegerProblem(field, text),
    };

    private static string? NumberProblem(FieldDescriptor field, JsonElement value) => field.FieldType switch
    {
        FieldType.Float or FieldType.Double => value.TryGetDouble(out var d) && double.IsFinite(d) && (field.FieldType == FieldType.Double || Math.Abs(d) <= float.MaxValue)
            ? null
            : $"{value.GetRawText()} is out of range for a {(field.FieldType == FieldType.Float ? "float" : "double")}",
        FieldType.Enum => value.TryGetInt32(out _) ? null : $"{value.GetRawText()} is not an enum number",
        FieldType.String or FieldType.Bool or FieldType.Bytes => Expected(field, value),
        _ => IntegerProblem(field, value.GetRawText()),
    };

    /// <summary>An integer field, from a JSON number or string: digits only, with an optional minus (no exponent, point or plus, which the transcoding refuses), in range.</summary>
    private static string? IntegerProblem(FieldDescriptor field, string text)
    {
        var (min, max, name) = field.FieldType switch
        {
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => ((decimal)int.MinValue, (decimal)int.MaxValue, "32-bit integer"),
            FieldType.UInt32 or FieldType.Fixed32 => (0m, (decimal)uint.MaxValue, "unsigned 32-bit integer"),
            FieldType.UInt64 or FieldType.Fixed64 => (0m, (decimal)ulong.MaxValue, "unsigned 64-bit integer"),
            _ => ((decimal)long.MinValue, (decimal)long.MaxValue, "64-bit integer"),
        };
        var digits = text.StartsWith('-') ? text[1..] : text;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            return $"must be a whole number written in digits (a {name}), got '{Quote(text)}'";
        }

        return !decimal.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) || number < min || number > max
            ? $"{Quote(text)} is out of range for a {name} ({min}..{max})"
            : null;
    }

    private static bool IsScalarLike(MessageDescriptor descriptor) =>
        descriptor.FullName == Timestamp.Descriptor.FullName || WrapperValue(descriptor) is not null;

    /// <summary>The <c>value</c> field of a wrapper type (google.protobuf.Int32Value, StringValue...).</summary>
    private static FieldDescriptor? WrapperValue(MessageDescriptor descriptor) =>
        descriptor.File.Name == "google/protobuf/wrappers.proto" ? descriptor.FindFieldByNumber(1) : null;

    private static string? WellKnownProblem(JsonElement element, MessageDescriptor descriptor)
    {
        if (WrapperValue(descriptor) is { } inner)
        {
            var violations = new List<FieldViolation>();
            Single(element, inner, "", violations);
            return violations.FirstOrDefault()?.Description;
        }

        return element.ValueKind != JsonValueKind.String
            ? $"must be {TimestampFields.Expected}, got {Kind(element)}"
            : StringValue(element, out var text) ?? WellKnownTextProblem(descriptor, text);
    }

    private static string? WellKnownTextProblem(MessageDescriptor descriptor, string text)
    {
        if (WrapperValue(descriptor) is { } inner)
        {
            return TextProblem(inner, text);
        }

        if (descriptor.FullName != Timestamp.Descriptor.FullName)
        {
            return null;
        }

        try
        {
            var timestamp = JsonParser.Default.Parse<Timestamp>(JsonSerializer.Serialize(text));
            return TimestampFields.Problem(timestamp);
        }
        catch (InvalidProtocolBufferException)
        {
            return $"'{Quote(text)}' is not {TimestampFields.Expected}";
        }
    }

    /// <summary>Why a JSON string is not valid text (invalid UTF-8, an unpaired surrogate escape), or null with its value.</summary>
    private static string? StringValue(JsonElement element, out string text)
    {
        try
        {
            text = element.GetString() ?? "";
            return null;
        }
        catch (InvalidOperationException e)
        {
            text = "";
            return $"is not valid Unicode text: {e.Message}";
        }
    }

    private static FieldDescriptor? Find(MessageDescriptor descriptor, string name) =>
        descriptor.FindFieldByName(name) ?? descriptor.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == name);

    private static string Names(MessageDescriptor descriptor)
    {
        var names = descriptor.Fields.InDeclarationOrder().Select(f => f.Name).ToList();
        return names.Count <= MaxNamesListed ? string.Join(", ", names) : string.Join(", ", names.Take(MaxNamesListed)) + ", ...";
    }

    private static string Expected(FieldDescriptor field, JsonElement value) => field.FieldType switch
    {
        FieldType.String => $"must be a string, got {Kind(value)}",
        FieldType.Bytes => $"must be a base64 string, got {Kind(value)}",
        FieldType.Bool => $"must be true or false, got {Kind(value)}",
        FieldType.Enum => $"must be one of {string.Join(", ", field.EnumType.Values.Select(v => v.Name))}, got {Kind(value)}",
        FieldType.Float or FieldType.Double => $"must be a number, got {Kind(value)}",
        _ => $"must be a whole number, got {Kind(value)}",
    };

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {Quote(value.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => "null",
    };

    private static bool IsBase64(string text)
    {
        var buffer = new byte[((text.Length * 3) / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out _) || Convert.TryFromBase64String(text.Replace('-', '+').Replace('_', '/'), buffer, out _);
    }

    private static string Field(string path) => path.Length == 0 ? Wire.WireDiagnosis.WholeRequest : path;

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Quote(string text) => NewEventValidator.Quote(text);
}
