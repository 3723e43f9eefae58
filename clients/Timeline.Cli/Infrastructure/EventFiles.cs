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

    /// <summary>JSON when the text is one object with an <c>events</c> array, otherwise NDJSON.</summary>
    public static IReadOnlyList<NewEvent> Parse(string text, string name)
    {
        return IsAppendRequest(text) ? ParseJson(text, name) : ParseNdjson(text, name);
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
                events.Add(Parser.Parse<NewEvent>(line));
            }
            catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException)
            {
                throw new CliException($"{name}, line {lineNumber}: not a NewEvent in protobuf JSON: {ex.Message}", ex);
            }
        }

        return events;
    }

    private static bool IsAppendRequest(string text)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(text);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && document.RootElement.TryGetProperty("events", out _);
        }
        catch (System.Text.Json.JsonException)
        {
            // Several objects, one per line: NDJSON.
            return false;
        }
    }
}
