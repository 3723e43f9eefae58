using System.CommandLine;
using Timeline.StorageService;
using Timeline.TimelineService;

namespace Timeline.Cli;

/// <summary>How a command prints: tables for a person, or the RPC responses as protobuf JSON.</summary>
internal enum OutputFormat
{
    Text,
    Json,
}

/// <summary>Options every command understands: where the services are and how to print.</summary>
internal sealed class CommonOptions
{
    private readonly CliContext context;

    public CommonOptions(CliContext context)
    {
        this.context = context;
        Storage = new Option<string>("--storage")
        {
            Description = $"Storage service address (env {CliContext.StorageAddressVariable}, default {StorageServiceApp.DefaultUrl})",
            Recursive = true,
            DefaultValueFactory = _ => context.Environment(CliContext.StorageAddressVariable) is { Length: > 0 } value ? value : StorageServiceApp.DefaultUrl,
        };
        Timeline = new Option<string>("--timeline")
        {
            Description = $"Timeline service address (env {CliContext.TimelineAddressVariable}, default {TimelineServiceApp.DefaultUrl})",
            Recursive = true,
            DefaultValueFactory = _ => context.Environment(CliContext.TimelineAddressVariable) is { Length: > 0 } value ? value : TimelineServiceApp.DefaultUrl,
        };
        Token = new Option<string>("--token")
        {
            Description = $"Bearer token sent to both services on every call (env {CliContext.TokenVariable}); needed when they have Auth:Tokens configured",
            Recursive = true,
        };
        Output = new Option<OutputFormat>("--output", "-o")
        {
            Description = "text (tables) or json (the RPC responses in the protobuf JSON mapping, one object per line)",
            Recursive = true,
            DefaultValueFactory = _ => OutputFormat.Text,
        };
    }

    public Option<string> Storage { get; }

    public Option<string> Timeline { get; }

    public Option<string> Token { get; }

    public Option<OutputFormat> Output { get; }

    public Uri StorageAddress(ParseResult result) => ParseAddress(result.GetRequiredValue(Storage), "--storage");

    public Uri TimelineAddress(ParseResult result) => ParseAddress(result.GetRequiredValue(Timeline), "--timeline");

    /// <summary>
    /// The token from --token, else from the environment; null when neither gives one. Read here,
    /// not as the option's default, so that --help never prints it.
    /// </summary>
    public string? BearerToken(ParseResult result) =>
        result.GetValue(Token) is { Length: > 0 } token ? token
        : context.Environment(CliContext.TokenVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : null;

    public bool Json(ParseResult result) => result.GetValue(Output) == OutputFormat.Json;

    private static Uri ParseAddress(string value, string option) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new CliException($"{option}: '{value}' is not an http(s) address, e.g. http://127.0.0.1:5201");
}
