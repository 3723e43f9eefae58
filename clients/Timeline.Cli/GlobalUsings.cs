// The generated client classes, named once: `Timeline.TimelineService` is also the service's namespace.
global using StorageClient = Timeline.Storage.V1.EventStoreService.EventStoreServiceClient;
global using TimelineClient = Timeline.V1.TimelineService.TimelineServiceClient;
