namespace Timeline.ServiceDefaults.Startup;

/// <summary>
/// A configuration a service will not start with; the message says what to change, in one line.
/// <see cref="ServiceMain"/> prints it and exits with <see cref="ServiceMain.ConfigurationExitCode"/>.
/// </summary>
public sealed class StartupRefusal(string message) : InvalidOperationException(message);
