// The generated client classes, named once.
global using StorageClient = Timeline.Storage.V1.EventStoreService.EventStoreServiceClient;
global using TimelineClient = Timeline.V1.TimelineService.TimelineServiceClient;
