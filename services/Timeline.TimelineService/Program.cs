using Timeline.ServiceDefaults.Startup;
using Timeline.TimelineServer;

return await ServiceMain.RunAsync("timeline", args, TimelineServiceApp.Create);
