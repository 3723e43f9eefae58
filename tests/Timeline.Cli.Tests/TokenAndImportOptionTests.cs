using Google.Rpc;
using Grpc.Core;
using Timeline.Cli.Commands;
using Timeline.Cli.Infrastructure;

namespace Timeline.Cli.Tests;

public sealed class TokenAndImportOptionTests
{
    private static System.CommandLine.RootCommand Build() =>
        CliApp.BuildRootCommand(CliContext.ForWriters(new StringWriter(), new StringWriter()));

    [Theory]
    [InlineData("show --token abc")]
    [InlineData("history X --token abc")]
    [InlineData("--token abc deadlines")]
    [InlineData("import f.csv --format acled --token abc")]
    [InlineData("export --format html --out x.html --tag mali --as-of 2023-10-16 --token abc")]
    [InlineData("export -f timelinejs")]
    [InlineData("export --format ics")]
    [InlineData("watch --token abc")]
    [InlineData("demo --token abc")]
    public void Every_command_takes_a_token_and_the_new_flags_parse(string line)
    {
        Assert.Empty(Build().Parse(line).Errors);
    }

    [Fact]
    public void The_token_comes_from_the_flag_else_from_TIMELINE_TOKEN_and_help_never_shows_it()
    {
        static (System.CommandLine.RootCommand, CommonOptions) Root(Func<string, string?> environment)
        {
            var options = new CommonOptions(CliContext.ForWriters(TextWriter.Null, TextWriter.Null, environment));
            return (new System.CommandLine.RootCommand { Options = { options.Token } }, options);
        }

        var (root, options) = Root(name => name == CliContext.TokenVariable ? "from-env-secret" : null);
        var (bare, none) = Root(_ => null);

        Assert.Equal("from-flag", options.BearerToken(root.Parse("--token from-flag")));
        Assert.Equal("from-env-secret", options.BearerToken(root.Parse("")));
        Assert.Null(none.BearerToken(bare.Parse("")));
        Assert.Equal("Bearer t0k", Connections.Authorization(" t0k "));
        Assert.Null(Connections.Authorization(""));

        var output = new StringWriter();
        var context = CliContext.ForWriters(output, new StringWriter(), name => name == CliContext.TokenVariable ? "from-env-secret" : null);
        CliApp.BuildRootCommand(context).Parse("show --help").Invoke(new System.CommandLine.InvocationConfiguration { Output = output });
        Assert.Contains("--token", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("from-env-secret", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_batch_names_the_rows_to_refuse_and_other_errors_are_left_alone()
    {
        static RpcException Refusal(params string[] fields)
        {
            var status = new Google.Rpc.Status { Code = (int)Code.InvalidArgument, Message = "refused" };
            var badRequest = new BadRequest();
            badRequest.FieldViolations.AddRange(fields.Select(f => new BadRequest.Types.FieldViolation { Field = f, Description = "too long" }));
            status.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(badRequest));
            return status.ToRpcException();
        }

        var byIndex = ImportCommand.RefusedIndexes(Refusal("events[2].source.name", "events[2].title", "events[0].actors[1]"), 3);
        Assert.Equal("source.name: too long; title: too long", byIndex[2]);
        Assert.Equal("actors[1]: too long", byIndex[0]);
        Assert.Empty(ImportCommand.RefusedIndexes(Refusal("events"), 3));
        Assert.Empty(ImportCommand.RefusedIndexes(Refusal("events[5].title"), 3));
        Assert.Empty(ImportCommand.RefusedIndexes(new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, "x")), 3));
    }
}
