using Timeline.ServiceDefaults.Startup;
using Timeline.TimelineService;

return await ServiceMain.RunAsync("timeline", args, TimelineServiceApp.Create);
