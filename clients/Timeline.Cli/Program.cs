using System.CommandLine;
using Timeline.Cli;

// Ctrl-C and SIGTERM cancel the running command, which then stops cleanly (services, streams).
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) };
return await CliApp.RunAsync(CliContext.FromConsole(), args, invocation);
