using System.Net;
using Dapper;
using Microsoft.Data.Sqlite;
using Store.Tests.Infrastructure;

namespace Store.Tests.Hosting;

/// <summary>The <c>store</c> command as users run it: a real process, its flags, environment and exit codes.</summary>
[Trait("speed", "slow")]
public sealed class StoreProcessTests : IDisposable
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    readonly string _dir = Path.Combine(Path.GetTempPath(), "store-tests", "proc-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    static List<string> Tables(string dbPath)
    {
        using var db = new SqliteConnection($"Data Source={dbPath};Mode=ReadOnly;Pooling=false");
        db.Open();
        return db.Query<string>("SELECT name FROM sqlite_master WHERE type = 'table'").AsList();
    }

    static string JournalMode(string dbPath)
    {
        using var db = new SqliteConnection($"Data Source={dbPath};Pooling=false");
        db.Open();
        return db.ExecuteScalar<string>("PRAGMA journal_mode")!;
    }

    [Fact]
    public async Task Help_lists_the_options_and_needs_no_configuration()
    {
        var (code, output, _) = await StoreProcess.RunAsync(["--help"], new Dictionary<string, string>());
        Assert.Equal(0, code);
        foreach (var option in new[] { "--host", "--port", "--no-auth", "--no-migrate", "migrate", "8001", "CL_SERVER_DIR" })
            Assert.Contains(option, output);
    }

    [Fact]
    public async Task Without_cl_server_dir_it_says_so_and_exits_non_zero()
    {
        var (code, output, error) = await StoreProcess.RunAsync([], new Dictionary<string, string>());
        Assert.NotEqual(0, code);
        Assert.Contains("CL_SERVER_DIR", error + output);
    }

    [Theory]
    [InlineData("--port", "abc")]
    [InlineData("--port", "70000")]
    [InlineData("--bogus", "")]
    public async Task Bad_arguments_are_refused_with_a_message(string flag, string value)
    {
        string[] args = value.Length > 0 ? [flag, value] : [flag];
        var (code, _, error) = await StoreProcess.RunAsync(args, new Dictionary<string, string> { ["CL_SERVER_DIR"] = _dir });
        Assert.NotEqual(0, code);
        Assert.Contains(flag, error);
    }

    [Fact]
    public async Task Bad_environment_values_are_refused_with_their_name()
    {
        var (code, _, error) = await StoreProcess.RunAsync([], new Dictionary<string, string> { ["CL_SERVER_DIR"] = _dir, ["PORT"] = "eighty" });
        Assert.NotEqual(0, code);
        Assert.Contains("PORT", error);
    }

    [Fact]
    public async Task Migrate_applies_the_migrations_and_exits()
    {
        var dbPath = Path.Combine(_dir, "elsewhere", "custom.db");
        var (code, output, error) = await StoreProcess.RunAsync(["migrate"],
            new Dictionary<string, string> { ["CL_SERVER_DIR"] = _dir, ["DATABASE_URL"] = "sqlite:///" + dbPath });
        Assert.True(code == 0, error);
        Assert.Contains(dbPath, output);
        Assert.Contains("entities", Tables(dbPath));
        Assert.Contains("entity_versions", Tables(dbPath));
        Assert.Equal("wal", JournalMode(dbPath));
        Assert.False(File.Exists(Path.Combine(_dir, "media_store.db")));

        var (again, _, againError) = await StoreProcess.RunAsync(["migrate"],
            new Dictionary<string, string> { ["CL_SERVER_DIR"] = _dir, ["DATABASE_URL"] = dbPath });
        Assert.True(again == 0, againError);
    }

    [Fact]
    public async Task Serve_with_flags_creates_the_database_and_media_folder_and_answers()
    {
        var serverDir = Path.Combine(_dir, "not", "yet", "there");
        var port = StoreProcess.FreePort();
        await using var store = StoreProcess.Start(["--host", "127.0.0.1", "--port", port.ToString(), "--no-auth"],
            new Dictionary<string, string> { ["CL_SERVER_DIR"] = serverDir });
        var address = new Uri($"http://127.0.0.1:{port}");
        await store.WaitUntilHealthyAsync(address);

        using var client = new HttpClient { BaseAddress = address };
        var health = await client.GetOkAsync("/");
        Assert.Equal("healthy", health.Str("status"));
        Assert.Equal("CoLAN Store Server", health.Str("service"));
        Assert.Equal("v1", health.Str("version"));

        var dbPath = Path.Combine(serverDir, "media_store.db");
        Assert.True(File.Exists(dbPath));
        Assert.True(Directory.Exists(Path.Combine(serverDir, "media")));
        Assert.Equal("wal", JournalMode(dbPath));
        Assert.Contains("entities", Tables(dbPath));

        var created = await client.CreateMediaAsync("from a real process");
        Assert.True(File.Exists(Path.Combine(serverDir, "media", created.Str("file_path")!)));
    }

    [Fact]
    public async Task Serve_takes_host_port_database_and_media_from_the_environment()
    {
        var port = StoreProcess.FreePort();
        var dbPath = Path.Combine(_dir, "db", "store.sqlite");
        var media = Path.Combine(_dir, "files");
        await using var store = StoreProcess.Start([], new Dictionary<string, string>
        {
            ["CL_SERVER_DIR"] = Path.Combine(_dir, "server"),
            ["HOST"] = "127.0.0.1",
            ["PORT"] = port.ToString(),
            ["DATABASE_URL"] = "sqlite:///" + dbPath,
            ["MEDIA_STORAGE_DIR"] = media,
            ["AUTH_DISABLED"] = "true",
        });
        var address = new Uri($"http://127.0.0.1:{port}");
        await store.WaitUntilHealthyAsync(address);

        using var client = new HttpClient { BaseAddress = address };
        var created = await client.CreateMediaAsync("configured by the environment");
        Assert.True(File.Exists(Path.Combine(media, created.Str("file_path")!)));
        Assert.Contains("entities", Tables(dbPath));
        Assert.False(File.Exists(Path.Combine(_dir, "server", "media_store.db")));
    }

    [Fact]
    public async Task A_serving_store_watches_no_folder_not_even_its_working_directory()
    {
        var port = StoreProcess.FreePort();
        await using var store = StoreProcess.Start(["--no-auth", "--port", port.ToString(), "--host", "127.0.0.1"], new Dictionary<string, string>
        {
            ["CL_SERVER_DIR"] = Path.Combine(_dir, "server"),
        });
        var address = new Uri($"http://127.0.0.1:{port}");
        await store.WaitUntilHealthyAsync(address);
        using var client = new HttpClient { BaseAddress = address };
        await client.CreateMediaAsync("one upload");

        // Each inotify watch is a line "inotify wd:…" in the fdinfo of the descriptor that holds it.
        var watches = Directory.GetFiles($"/proc/{store.Id}/fdinfo")
            .Sum(info => { try { return File.ReadLines(info).Count(l => l.StartsWith("inotify wd:", StringComparison.Ordinal)); } catch (IOException) { return 0; } });
        Assert.Equal(0, watches);
    }

    [Fact]
    public async Task Flags_win_over_the_environment()
    {
        var port = StoreProcess.FreePort();
        await using var store = StoreProcess.Start(["--port", port.ToString()], new Dictionary<string, string>
        {
            ["CL_SERVER_DIR"] = _dir,
            ["HOST"] = "127.0.0.1",
            ["PORT"] = "1",
        });
        await store.WaitUntilHealthyAsync(new Uri($"http://127.0.0.1:{port}"));
    }

    [Fact]
    public async Task No_migrate_skips_the_migrations()
    {
        var port = StoreProcess.FreePort();
        await using var store = StoreProcess.Start(["--host", "127.0.0.1", "--port", port.ToString(), "--no-migrate"],
            new Dictionary<string, string> { ["CL_SERVER_DIR"] = _dir });
        await store.WaitUntilHealthyAsync(new Uri($"http://127.0.0.1:{port}"));
        var dbPath = Path.Combine(_dir, "media_store.db");
        Assert.DoesNotContain("entities", Tables(dbPath));
        Assert.Equal("wal", JournalMode(dbPath));
    }

    [Fact]
    public async Task Migrated_database_is_used_as_is_with_no_migrate()
    {
        var env = new Dictionary<string, string> { ["CL_SERVER_DIR"] = _dir };
        Assert.Equal(0, (await StoreProcess.RunAsync(["migrate"], env)).ExitCode);
        var port = StoreProcess.FreePort();
        await using var store = StoreProcess.Start(["--host", "127.0.0.1", "--port", port.ToString(), "--no-migrate", "--no-auth"], env);
        var address = new Uri($"http://127.0.0.1:{port}");
        await store.WaitUntilHealthyAsync(address);
        using var client = new HttpClient { BaseAddress = address };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/entities", Ct)).StatusCode);
    }
}
