using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Timeline.Cli.Infrastructure;
using Timeline.ServiceDefaults.Clients;
using Timeline.StorageService;
using Timeline.TimelineServer;

namespace Timeline.Cli;

/// <summary>How a command prints: tables for a person, or the RPC responses as protobuf JSON.</summary>
internal enum OutputFormat
{
    Text,
    Json,
}

/// <summary>Options every command understands: where the services are, how long a call may take, and how to print.</summary>
internal sealed class CommonOptions
{
    /// <summary>The deadline of a unary call, and how long a stream may take to start answering.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly CliContext context;

    public CommonOptions(CliContext context)
    {
        this.context = context;
        Storage = new Option<string>("--storage")
        {
            Description = $"Storage service address, or several separated by commas, or dns:///host:port (env {CliContext.StorageAddressVariable}, default {StorageServiceApp.DefaultUrl})",
            Recursive = true,
            DefaultValueFactory = _ => context.Environment(CliContext.StorageAddressVariable) is { Length: > 0 } value ? value : StorageServiceApp.DefaultUrl,
        };
        Timeline = new Option<string>("--timeline")
        {
            Description = $"Timeline service address, or several separated by commas, or dns:///host:port (env {CliContext.TimelineAddressVariable}, default {TimelineServiceApp.DefaultUrl})",
            Recursive = true,
            DefaultValueFactory = _ => context.Environment(CliContext.TimelineAddressVariable) is { Length: > 0 } value ? value : TimelineServiceApp.DefaultUrl,
        };
        Token = new Option<string>("--token")
        {
            Description = $"Bearer token sent to both services on every call (env {CliContext.TokenVariable}); needed when they have Auth:Tokens configured",
            Recursive = true,
        };
        Timeout = new Option<TimeSpan>("--timeout")
        {
            Description = "How long each call may take, and how long watch and replay may wait for their first answer, e.g. 30s, 2m, 500ms (default 30s)",
            Recursive = true,
            DefaultValueFactory = _ => DefaultTimeout,
            CustomParser = ParseTimeout,
        };
        Verbose = new Option<bool>("--verbose")
        {
            Description = $"Say more: the services' information logs where this command runs them (serve, demo), and the details of an unexpected failure (env {Infrastructure.UnexpectedFailure.VerboseVariable}=1)",
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

    /// <summary>
    /// <c>--min-position N</c> for the commands that read the timeline service: answer from a replica
    /// that has read the log at least up to N (the position `add` or `import` printed), so a read
    /// right after a write sees it on any replica.
    /// </summary>
    public static Option<long> MinPosition() => new("--min-position")
    {
        Description = "Answer only from a timeline replica that has read the log up to this position (the position `add`/`import` printed); default 0, no minimum",
        DefaultValueFactory = _ => 0,
    };

    public Option<string> Timeline { get; }

    public Option<string> Token { get; }

    public Option<TimeSpan> Timeout { get; }

    public Option<OutputFormat> Output { get; }

    public Option<bool> Verbose { get; }

    public Uri StorageAddress(ParseResult result) => StorageEndpoint(result).Address;

    public Uri TimelineAddress(ParseResult result) => TimelineEndpoint(result).Address;

    /// <summary>The storage service's address and where it came from: --storage, else TIMELINE_STORAGE_ADDRESS, else the default.</summary>
    public ServiceEndpoint StorageEndpoint(ParseResult result) =>
        Endpoint(result, Storage, CliContext.StorageAddressVariable, ServiceEndpoint.StorageRole);

    public ServiceEndpoint TimelineEndpoint(ParseResult result) =>
        Endpoint(result, Timeline, CliContext.TimelineAddressVariable, ServiceEndpoint.TimelineRole);

    public TimeSpan CallTimeout(ParseResult result) => result.GetValue(Timeout);

    /// <summary>
    /// The token from --token, else from the environment; null when neither gives one. Read here,
    /// not as the option's default, so that --help never prints it.
    /// </summary>
    public string? BearerToken(ParseResult result) =>
        result.GetValue(Token) is { Length: > 0 } token ? token
        : context.Environment(CliContext.TokenVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : null;

    public bool Json(ParseResult result) => result.GetValue(Output) == OutputFormat.Json;

    /// <summary>"30s", "2m", "500ms", "1h" or a bare number of seconds; more than zero.</summary>
    public static TimeSpan ParseTimeout(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value.Trim() : "";
        var (number, unit) = text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (text[..^2], 0.001)
            : text.EndsWith('s') || text.EndsWith('S') ? (text[..^1], 1)
            : text.EndsWith('m') || text.EndsWith('M') ? (text[..^1], 60)
            : text.EndsWith('h') || text.EndsWith('H') ? (text[..^1], 3600)
            : (text, 1.0);
        if (double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value > 0 && value * unit <= TimeSpan.FromDays(1).TotalSeconds)
        {
            return TimeSpan.FromSeconds(value * unit);
        }

        result.AddError($"--timeout: '{text}' is not a duration such as 30s, 2m or 500ms (more than 0, at most a day)");
        return DefaultTimeout;
    }

    private ServiceEndpoint Endpoint(ParseResult result, Option<string> option, string variable, string role)
    {
        var given = result.GetResult(option) is { Implicit: false };
        var fromEnvironment = !given && context.Environment(variable) is { Length: > 0 };
        var source = given ? option.Name : fromEnvironment ? variable : "";
        var value = result.GetRequiredValue(option);
        if (!ServiceAddresses.TryParse(value, out var addresses, out var problem))
        {
            var example = role == ServiceEndpoint.StorageRole ? StorageServiceApp.DefaultUrl : TimelineServiceApp.DefaultUrl;
            throw new CliException(value.Contains(',', StringComparison.Ordinal) || value.StartsWith(ServiceAddresses.DnsScheme + ":", StringComparison.Ordinal) || problem.Contains("nothing after it", StringComparison.Ordinal)
                ? $"{(source.Length > 0 ? source : option.Name)}: '{value}' {problem}"
                : $"{(source.Length > 0 ? source : option.Name)}: '{value}' is not an http(s) address of the {role}, e.g. {example} (several: separated by commas)");
        }

        return new ServiceEndpoint(role, addresses, option.Name, source);
    }
}
