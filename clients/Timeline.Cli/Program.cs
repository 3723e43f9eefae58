using Timeline.Cli;

return await CliApp.BuildRootCommand(CliContext.FromConsole()).Parse(args).InvokeAsync();
