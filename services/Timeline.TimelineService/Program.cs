using Timeline.TimelineService;

var app = TimelineServiceApp.Create(args);
await app.RunAsync();
