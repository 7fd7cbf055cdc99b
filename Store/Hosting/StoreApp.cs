using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using FluentValidation;
using Scalar.AspNetCore;
using Store.Auth;
using Store.Data;
using Store.Entities.Lookup;
using Store.Entities.Shared;
using Store.Events;
using Store.Http;
using Store.Integrity.Shared;
using Store.Compute.Queue;
using Store.Media;
using Store.Observability;
using Store.Storage;
using Store.Compute.Builtin;

namespace Store.Hosting;

/// <summary>Builds the web application from resolved settings; used by the CLI and by the tests alike.</summary>
public static class StoreApp
{
    static StoreApp()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        // Before anything touches NetVips or opens SQLite (see LibVips: its modules must not bring in another SQLite).
        LibVips.Load();
        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) => member is null ? null : Naming.Snake(member.Name);
    }

    public static WebApplication Build(StoreSettings settings, string[] urls, Action<WebApplicationBuilder>? configure = null)
    {
        // Store reads no appsettings.json, and the host's default would watch the working directory for one, with every
        // folder under it (inotify, recursively): a watch for each folder of a data folder kept there, new ones as day
        // and job folders appear, and events for every upload. Nothing that reloads, nothing watched.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = settings.MaxUploadBytes);
        builder.Logging.ConfigureStoreLogging(settings.Observability);

        // The modules get their own options; StoreSettings itself stays with the host.
        builder.Services.AddSingleton(settings.Data);
        builder.Services.AddSingleton(settings.Storage);
        builder.Services.AddSingleton(settings.Auth);
        builder.Services.AddSingleton(settings.Jobs);
        builder.Services.AddSingleton(settings.Events);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Db>();
        builder.Services.AddSingleton<WriteBatch>();
        builder.Services.AddSingleton<Sweeps>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Sweeps>());
        if (settings.Data.Kind == DbKind.Postgres)
        {
            builder.Services.AddPostgresListener();
            builder.Services.AddHostedService<Entities.List.EntityCountFolding>();
        }
        builder.Services.AddSingleton<PendingFiles>();
        builder.Services.AddSingleton(sp => new MediaStorage(settings.Storage, sp.GetRequiredService<PendingFiles>(),
            settings.S3 is { } s3 ? Storage.S3.S3Setup.Open(s3) : null, sp.GetRequiredService<ILogger<MediaStorage>>(),
            settings.S3 is not null && settings.Data.Kind == DbKind.Postgres ? new StoredFileRecheck(sp.GetRequiredService<Db>()) : null));
        builder.Services.AddSingleton<DiskSpace>();
        builder.Services.AddIntegrity();
        builder.Services.AddSingleton(settings.Media);
        builder.Services.AddSingleton<ExifToolPool>();
        builder.Services.AddSingleton<ExifToolReader>();
        builder.Services.AddSingleton<FfProbe>();
        builder.Services.AddSingleton<VideoFrames>();
        builder.Services.AddSingleton<IMediaInspector, MediaInspector>();
        builder.Services.AddSingleton<ContentHolds>();
        builder.Services.AddSingleton<EntityFiles>();
        builder.Services.AddSingleton<FileMd5Backfill>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FileMd5Backfill>());
        builder.Services.AddEntityPreviews();
        builder.Services.AddStoreAuth();
        builder.Services.AddStoreEvents(settings.Events);
        builder.Services.AddJobs();
        builder.Services.AddBuiltinWorker(settings.Jobs);
        builder.Services.AddObservability(settings.Observability);
        builder.Services.AddHostedService<NativeHeapTrim>();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DictionaryKeyPolicy = null;
            // Numbers are numbers on this wire; the web default would also accept (and document) strings.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(OpenApiSetup.Configure);
        configure?.Invoke(builder);

        var app = builder.Build();
        Prepare(settings, app.Services);

        app.UseMiddleware<RequestLog>();
        app.UseStoreErrors();
        var space = app.Services.GetRequiredService<DiskSpace>();
        app.Use((context, next) =>
        {
            if (HttpMethods.IsDelete(context.Request.Method)) space.ReleaseBallastIfLow();
            return next(context);
        });
        app.UseStoreAuth();
        app.MapStoreOpenApi().RequireAccess(Access.Public);
        app.MapScalarApiReference("/scalar").RequireAccess(Access.Public);
        app.MapStore();
        app.MapStoreMetrics(settings.Observability);
        return app;
    }

    static void Prepare(StoreSettings settings, IServiceProvider services)
    {
        Directory.CreateDirectory(settings.ServerDir);
        if (!settings.NoMigrate) Migrator.Run(settings.Data);
        else if (settings.Data.Kind == DbKind.Sqlite) Db.Prepare(settings.DatabasePath);
        // The recovery below may have objects to delete.
        try { services.GetRequiredService<MediaStorage>().CheckBucket(); }
        catch (BucketUnavailableException e) { throw new SettingsException(e.Message); }
        // Before the temporary folders are cleared: they may hold files a crash left set aside.
        var recovered = CrashRecovery.Run(services.GetRequiredService<Db>(), services.GetRequiredService<FileOwners>(), services.GetRequiredService<PendingFiles>());
        if (recovered.Restored + recovered.Removed > 0)
            services.GetRequiredService<ILoggerFactory>().CreateLogger("Store.Integrity").LogWarning(
                "After a crash: {Restored} set-aside files put back, {Removed} files no row names removed", recovered.Restored, recovered.Removed);
        Directory.CreateDirectory(services.GetRequiredService<PendingFiles>().Dir);
        services.GetRequiredService<MediaStorage>().Prepare();
        services.GetRequiredService<DiskSpace>().KeepBallast();
        services.GetRequiredService<JobFolders>().Prepare();
    }
}
