using Timeline.ServiceDefaults.Startup;
using Timeline.StorageService;

return await ServiceMain.RunAsync("timeline-storage", args, StorageServiceApp.Create);
