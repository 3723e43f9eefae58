using System.CommandLine;
using Timeline.Cli.Demo;
using Timeline.Cli.Infrastructure;

namespace Timeline.Cli.Commands;

/// <summary>`timeline demo`: the whole system on this machine, one news report, one deadline followed to the end.</summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context, CommonOptions options)
    {
        var speed = new Option<double>("--days-per-second")
        {
            Description = "How fast the demo clock runs in the live part (demo days per real second)",
            DefaultValueFactory = _ => DemoRun.DefaultDaysPerSecond,
            CustomParser = OptionValues.Number("--days-per-second", 0, 365),
        };
        var samples = new Option<DirectoryInfo>("--samples")
        {
            Description = "Folder holding the sample files (default: the samples next to the CLI)",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(AppContext.BaseDirectory, "samples")),
        };
        var seeds = new Option<DirectoryInfo>("--seeds") { Description = $"Folder holding the report's text, {SeedReport.FileName} (default: shared/seeds beside the repository, searched up from here and from the CLI)" };
        var command = new Command("demo", "Run both services here, import a news report about Mali, extract a draft from its text, and follow its deadline live") { speed, samples, seeds };
        command.SetAction((result, ct) => CommandRunner.RunAsync(
            context,
            () => new DemoRun(context, result.GetRequiredValue(samples).FullName, result.GetValue(speed), context.Verbose, SeedReport.Find(result.GetValue(seeds)?.FullName)).RunAsync(ct),
            ct));
        return command;
    }
}
