using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Api;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Timeline.IntegrationTests.Reliability.Probes;

namespace Timeline.IntegrationTests.Reliability.Sweep;

/// <summary>One generated HTTP/JSON request: what it is, and what is sent.</summary>
internal sealed record HttpProbe(string Description, HttpMethod Method, string PathAndQuery, byte[]? Body = null, string? ContentType = "application/json");

/// <summary>
/// Requests generated from a transcoded method's descriptor and route, as an HTTP client sends
/// them. With a body: every field of the JSON set to every JSON value that could be wrong for
/// it (each JSON type, numbers past each integer type, NaN and infinities, unknown enum names,
/// odd text, a lone surrogate escape, bytes that are not UTF-8), unknown fields at every level,
/// bodies that are not JSON or too deep, and other content types. Without: every query
/// parameter (dotted field paths) given every odd text, twice, or misspelt, and the path's own
/// variables. Seeded random combinations of both. Appends stay refused, as over gRPC.
/// </summary>
internal static class HttpProbes
{
    private const int Combinations = 100;
    private const string RawPlaceholder = "SWEEP-RAW-PLACEHOLDER";

    private static readonly (string Name, string Json)[] JsonValues =
    [
        ("null", "null"), ("true", "true"), ("0", "0"), ("-1", "-1"), ("1.5", "1.5"), ("1e400", "1e400"), ("-0", "-0"), ("\"\"", "\"\""), ("\"x\"", "\"x\""),
        ("[]", "[]"), ("{}", "{}"), ("[null]", "[null]"), ("[[]]", "[[]]"), ("2147483648", "2147483648"), ("-2147483649", "-2147483649"),
        ("9223372036854775808", "9223372036854775808"), ("\"9223372036854775808\"", "\"9223372036854775808\""), ("18446744073709551616", "18446744073709551616"),
        ("\"12abc\"", "\"12abc\""), ("\"0x10\"", "\"0x10\""), ("1e3", "1e3"), ("\"NaN\"", "\"NaN\""), ("\"Infinity\"", "\"Infinity\""), ("\"-Infinity\"", "\"-Infinity\""),
        ("1e308", "1e308"), ("\"BOGUS_VALUE\"", "\"BOGUS_VALUE\""), ("9999", "9999"), ("\"2023-10-16T00:00:00Z\"", "\"2023-10-16T00:00:00Z\""),
        ("\"10000-01-01T00:00:00Z\"", "\"10000-01-01T00:00:00Z\""), ("a lone surrogate escape", "\"x\\ud800\""), ("an escaped NUL", "\"a\\u0000b\""),
        ("nested 70 deep", new string('[', 70) + new string(']', 70)),
    ];

    private static readonly (string Name, string Text)[] QueryValues =
    [
        ("empty", ""), ("abc", "abc"), ("-1", "-1"), ("0", "0"), ("1", "1"), ("1.5", "1.5"), ("2147483648", "2147483648"), ("-2147483649", "-2147483649"),
        ("9223372036854775808", "9223372036854775808"), ("18446744073709551616", "18446744073709551616"), ("NaN", "NaN"), ("Infinity", "Infinity"),
        ("true", "true"), ("True", "True"), ("%", "%"), ("U+0001", "\u0001"), ("NUL", "\0"), ("accents", "\u00e9t\u00e9"), ("5,000 chars", new string('q', 5_000)),
        ("an instant", "2023-10-16T00:00:00Z"), ("year 10000", "10000-01-01T00:00:00Z"), ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"),
        ("yesterday", "yesterday"), ("a day", "2023-10-16"), ("day 9999-12-32", "9999-12-32"), ("an enum name", "DEADLINE_EFFECT_TYPE_SET"), ("a bogus enum", "BOGUS"),
    ];

    private static readonly string[] UnknownParameters = ["bogus", "filter.bogus", "filter..tags", ".tags", "filter.", "FILTER.TAGS", "known_at.seconds", "page_size[0]", "filter[tags]", "%00"];

    private static readonly string[] PathSegments = ["%00", "%2F", "..", ".", "%FF%FE", "%C0%AF", "%20", new string('i', 129), new string('j', 100_000), "%E2%80%AE"];

    public static IEnumerable<HttpProbe> For(MethodDescriptor method, HttpRule rule, Random random)
    {
        var sample = Samples.Valid(method);
        var path = ContractMethods.Path(rule, sample);
        var verb = ContractMethods.Verb(rule);
        return rule.Body == "*" ? Bodies(method, sample, verb, path, random) : Queries(method, rule, sample, verb, path, random);
    }

    private static IEnumerable<HttpProbe> Bodies(MethodDescriptor method, IMessage sample, HttpMethod verb, string path, Random random)
    {
        var json = JsonFormatter.Default.Format(sample);
        HttpProbe Body(string description, byte[] body, string? contentType = "application/json") => new(description, verb, path, body, contentType);
        byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

        yield return Body("the valid sample", Utf8(json));
        foreach (var (name, text) in new[] { ("empty", ""), ("null", "null"), ("[]", "[]"), ("{}", "{}"), ("not json", "not json"), ("cut short", json[..^1]), ("trailing text", json + "x"), ("two documents", json + json), ("a comment", "/* c */" + json), ("nested 200 deep", new string('[', 200) + new string(']', 200)) })
        {
            yield return Body($"a body that is {name}", Utf8(text));
        }

        yield return Body("a byte order mark first", [0xef, 0xbb, 0xbf, .. Utf8(json)]);
        yield return Body("a body of 8.7 MiB (over Grpc:MaxReceiveMessageBytes)", Utf8(json.Insert(1, $"\"padding\": \"{new string('p', 9_130_000)}\", ")));
        yield return Body("a byte that is not UTF-8 between fields", Utf8(json.Insert(1, " ")).Select((b, i) => i == 1 ? (byte)0xff : b).ToArray());
        foreach (var contentType in new string?[] { "text/plain", "application/x-www-form-urlencoded", null, "application/json; charset=iso-8859-1", "application/grpc" })
        {
            yield return Body($"content type {contentType ?? "(none)"}", Utf8(json), contentType);
        }

        var mutations = new List<(string Name, FieldPath Path, string RawText)>();
        foreach (var field in FieldPath.All(method.InputType))
        {
            foreach (var (name, value) in JsonValues)
            {
                mutations.Add((name, field, value));
            }

            if (field.Last.FieldType == FieldType.String && !field.Last.IsRepeated)
            {
                foreach (var edge in EdgeValues.Texts)
                {
                    mutations.Add((edge.Name, field, JsonSerializer.Serialize((string)edge.Value)));
                }
            }
        }

        foreach (var (name, field, raw) in mutations)
        {
            yield return Body($"{field.Name} = {name}", Mutate(json, [(field, raw)], keepAppendsRefused: field.Last.Name != "expected_revision"));
        }

        foreach (var field in FieldPath.All(method.InputType).Where(p => p.Last.FieldType == FieldType.String && !p.Last.IsRepeated))
        {
            var placeholder = JsonSerializer.Serialize(RawPlaceholder);
            var bytes = Mutate(json, [(field, placeholder)], keepAppendsRefused: true);
            var at = bytes.AsSpan().IndexOf(Utf8(RawPlaceholder));
            var notUtf8 = bytes.ToArray();
            notUtf8.AsSpan(at, RawPlaceholder.Length).Fill(0xff);
            yield return Body($"{field.Name} = bytes that are not UTF-8", notUtf8);
        }

        foreach (var field in FieldPath.All(method.InputType).Where(p => p.Last.FieldType == FieldType.Message && !p.Last.IsMap && !IsWellKnown(p.Last.MessageType)))
        {
            yield return Body($"{field.Name} with an unknown field", Mutate(json, [(field, "{\"bogusField\": 1}")], keepAppendsRefused: true));
        }

        yield return Body("an unknown top-level field", Utf8(json.Insert(1, "\"bogusField\": 1, ")));
        var combinable = mutations.Where(m => m.Path.Last.Name != "expected_revision").ToList();
        for (var i = 0; i < Combinations; i++)
        {
            var chosen = Enumerable.Range(0, random.Next(2, 5)).Select(_ => combinable[random.Next(combinable.Count)]).ToList();
            yield return Body(string.Join(", ", chosen.Select(c => $"{c.Path.Name} = {c.Name}")), Mutate(json, [.. chosen.Select(c => (c.Path, c.RawText))], keepAppendsRefused: true));
        }
    }

    /// <summary>The sample's JSON with each field path set to a raw JSON value, creating objects and arrays on the way.</summary>
    private static byte[] Mutate(string json, IReadOnlyList<(FieldPath Path, string Raw)> changes, bool keepAppendsRefused)
    {
        var root = JsonNode.Parse(json)!;
        var raws = new List<string>();
        foreach (var (path, raw) in changes)
        {
            var steps = path.JsonSteps.ToList();
            var node = root;
            for (var i = 0; i < steps.Count - 1; i++)
            {
                node = Step(node, steps[i], steps[i + 1] is int);
            }

            // A placeholder now, swapped for the raw text after writing (the writer refuses a lone surrogate, and keeps 1e400 as written).
            var marker = $"{RawPlaceholder}-{raws.Count}";
            raws.Add(raw);
            node.AsObject()[(string)steps[^1]] = marker;
        }

        if (keepAppendsRefused && root["events"] is JsonArray events)
        {
            foreach (var e in events.OfType<JsonObject>())
            {
                e["expectedRevision"] = "7";
            }
        }

        var text = root.ToJsonString();
        for (var i = raws.Count - 1; i >= 0; i--)
        {
            text = text.Replace(JsonSerializer.Serialize($"{RawPlaceholder}-{i}"), raws[i], StringComparison.Ordinal);
        }

        return Encoding.UTF8.GetBytes(text);
    }

    private static JsonNode Step(JsonNode node, object step, bool nextIsIndex)
    {
        if (step is int index)
        {
            var array = node.AsArray();
            while (array.Count <= index)
            {
                array.Add(new JsonObject());
            }

            if (array[index] is not JsonObject)
            {
                array[index] = new JsonObject();
            }

            return array[index]!;
        }

        var obj = node.AsObject();
        var name = (string)step;
        if (obj[name] is not JsonNode child || (nextIsIndex ? child is not JsonArray : child is not JsonObject))
        {
            child = nextIsIndex ? new JsonArray() : new JsonObject();
            obj[name] = child;
        }

        return child;
    }

    private static IEnumerable<HttpProbe> Queries(MethodDescriptor method, HttpRule rule, IMessage sample, HttpMethod verb, string path, Random random)
    {
        HttpProbe Get(string description, string pathAndQuery) => new(description, verb, pathAndQuery, null, null);
        yield return Get("the valid sample", path);

        var parameters = FieldPath.All(method.InputType)
            .Where(p => !p.Fields.Take(p.Fields.Count - 1).Any(f => f.IsRepeated) && !p.Last.IsMap && (p.Last.FieldType != FieldType.Message || IsWellKnown(p.Last.MessageType)))
            .Where(p => !Template(rule).Contains("{" + p.Last.Name + "}", StringComparison.Ordinal))
            .Select(p => string.Join('.', p.Fields.Select(f => f.Name)))
            .ToList();
        var singles = new List<string>();
        foreach (var name in parameters)
        {
            foreach (var (valueName, text) in QueryValues)
            {
                var query = $"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(text)}";
                singles.Add(query);
                yield return Get($"?{name} = {valueName}", $"{path}?{query}");
            }

            yield return Get($"?{name} given twice", $"{path}?{name}=1&{name}=2");
        }

        foreach (var name in UnknownParameters)
        {
            yield return Get($"unknown parameter {name}", $"{path}?{name}=1");
        }

        foreach (var field in method.InputType.Fields.InFieldNumberOrder().Where(f => Template(rule).Contains("{" + f.Name + "}", StringComparison.Ordinal)))
        {
            foreach (var segment in PathSegments)
            {
                yield return Get($"{{{field.Name}}} = {(segment.Length > 20 ? $"{segment.Length} chars" : segment)}", Template(rule).Replace("{" + field.Name + "}", segment, StringComparison.Ordinal));
            }
        }

        for (var i = 0; i < Combinations && singles.Count > 1; i++)
        {
            var chosen = Enumerable.Range(0, random.Next(2, 5)).Select(_ => singles[random.Next(singles.Count)]).ToList();
            yield return Get($"?{string.Join('&', chosen.Select(q => q.Length > 60 ? q[..60] + "..." : q))}", $"{path}?{string.Join('&', chosen)}");
        }
    }

    private static string Template(HttpRule rule) => rule.PatternCase == HttpRule.PatternOneofCase.Get ? rule.Get : rule.Post;

    private static bool IsWellKnown(MessageDescriptor descriptor) => descriptor.FullName == Timestamp.Descriptor.FullName || descriptor.File.Name == "google/protobuf/wrappers.proto";
}
