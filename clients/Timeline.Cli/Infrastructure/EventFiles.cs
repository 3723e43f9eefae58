using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Timeline.Storage.V1;
using Timeline.V1;

namespace Timeline.Cli.Infrastructure;

/// <summary>
/// Reads events to import: a JSON file holding an <c>AppendEventsRequest</c> (<c>{"events":[...]}</c>) or
/// NDJSON with one <c>NewEvent</c> per line, both in the protobuf JSON mapping (docs/event-format.md).
/// </summary>
internal static class EventFiles
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    public static IReadOnlyList<NewEvent> Read(string path)
    {
        ImportFiles.RequireFile(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {path}: {ex.Message}", ex);
        }

        return Parse(text, path);
    }

    /// <summary>
    /// JSON when the whole text is one JSON value (an <c>AppendEventsRequest</c>, or one
    /// <c>NewEvent</c>); NDJSON when its first line is a complete object and more follows; otherwise
    /// the JSON syntax error, at its line and column.
    /// </summary>
    public static IReadOnlyList<NewEvent> Parse(string text, string name)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new CliException($"{name}: the file is empty; an import file holds {{\"events\": [...]}} or one event per line (docs/event-format.md)");
        }

        if (text.IndexOfAny(['\0', '\uFFFD']) is var binary and >= 0)
        {
            throw new CliException($"{name}: not a UTF-8 text file (binary data at character {binary + 1}); an import file is JSON or NDJSON (docs/event-format.md)");
        }

        JsonException syntax;
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CliException($"{name}: not an AppendEventsRequest ({{\"events\": [...]}}) nor NDJSON: the file holds a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}");
            }

            return document.RootElement.TryGetProperty("events", out _) ? ParseJson(text, name) : [ParseEvent(text, name, line: null)];
        }
        catch (JsonException ex)
        {
            syntax = ex;
        }

        if (FirstLineIsOneObject(text))
        {
            return ParseNdjson(text, name);
        }

        throw SyntaxError(name, text, syntax, lineOffset: 0);
    }

    private static List<NewEvent> ParseJson(string text, string name)
    {
        try
        {
            return [.. Parser.Parse<AppendEventsRequest>(text).Events];
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new CliException($"{name}: not an AppendEventsRequest in protobuf JSON: {ex.Message}", ex);
        }
        catch (InvalidJsonException ex)
        {
            throw new CliException($"{name}: invalid JSON: {ex.Message}", ex);
        }
    }

    private static NewEvent ParseEvent(string text, string name, int? line)
    {
        var where = line is { } n ? $"{name}, line {n}" : name;
        try
        {
            return Parser.Parse<NewEvent>(text);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException)
        {
            throw new CliException($"{where}: not a NewEvent in protobuf JSON: {ex.Message}", ex);
        }
    }

    private static List<NewEvent> ParseNdjson(string text, string name)
    {
        var events = new List<NewEvent>();
        using var reader = new StringReader(text);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var _ = JsonDocument.Parse(line);
            }
            catch (JsonException ex)
            {
                throw SyntaxError(name, line, ex, lineOffset: lineNumber - 1);
            }

            events.Add(ParseEvent(line, name, lineNumber));
        }

        return events;
    }

    /// <summary>Whether the first non-blank line is a complete JSON object on its own (NDJSON), with more text after it.</summary>
    private static bool FirstLineIsOneObject(string text)
    {
        var lines = text.Split('\n');
        var first = Array.FindIndex(lines, l => !string.IsNullOrWhiteSpace(l));
        if (first < 0 || !lines.Skip(first + 1).Any(l => !string.IsNullOrWhiteSpace(l)))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(lines[first]);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The JSON reader's message as a person reads it: what was found and what to do, without the
    /// reader's own terms ("isFinalBlock", "depth", "payload").
    /// </summary>
    private static string InPlainWords(string reason)
    {
        if (reason.Contains("Expected depth to be zero", StringComparison.Ordinal) || reason.Contains("isFinalBlock", StringComparison.Ordinal))
        {
            return "the file ends before its JSON does: a closing } or ] or \" is missing (is the file cut short?)";
        }

        if (reason.Contains("is invalid after a single JSON value", StringComparison.Ordinal))
        {
            return $"{reason[..reason.IndexOf(" is invalid", StringComparison.Ordinal)]} after the end of the JSON: a file holds one JSON value (or NDJSON, one event per line)";
        }

        if (reason.Contains("is an invalid JSON literal", StringComparison.Ordinal))
        {
            return $"{reason[..reason.IndexOf(" is an invalid", StringComparison.Ordinal)]} is not JSON: text must be in double quotes, and only true, false and null go without them";
        }

        // "Expected either ',', '}', or ']'." and the like: keep what was found, then say what may follow.
        var expected = reason.IndexOf(" Expected ", StringComparison.Ordinal);
        return expected > 0 ? $"{reason[..expected].TrimEnd('.')}; expected {reason[(expected + 10)..].TrimEnd('.')}" : reason;
    }

    /// <summary>"events.json, line 5, column 13: invalid JSON: 'x' is an invalid start of a value (at $.events[0])", 1-based, in characters.</summary>
    private static CliException SyntaxError(string name, string text, JsonException ex, int lineOffset)
    {
        var line = (int)(ex.LineNumber ?? 0);
        var lines = text.Split('\n');
        var lineText = line < lines.Length ? lines[line] : "";
        var bytes = Encoding.UTF8.GetBytes(lineText);
        var column = Encoding.UTF8.GetCharCount(bytes, 0, (int)Math.Min(ex.BytePositionInLine ?? 0, bytes.Length)) + 1;
        var reason = ex.Message;
        var cut = reason.IndexOf(" Path: ", StringComparison.Ordinal) is var p and >= 0 ? p : reason.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        if (cut >= 0)
        {
            reason = reason[..cut].TrimEnd(' ', '.', '|');
        }

        reason = InPlainWords(reason);
        var path = ex.Path is { Length: > 1 } jsonPath ? $" (at {jsonPath})" : "";
        return new CliException($"{name}, line {line + 1 + lineOffset}, column {column}: invalid JSON: {reason}{path}", ex);
    }
}
