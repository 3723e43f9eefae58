using Timeline.StorageService;

var app = StorageServiceApp.Create(args);
await app.RunAsync();
