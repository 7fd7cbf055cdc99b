using System.Net;
using Dapper;
using Store.Tests.Infrastructure;

namespace Store.Tests.Entities.Shared;

/// <summary>Where files land, and that a request that fails leaves neither a file nor a row.</summary>
public sealed class EntityFilesTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Makes the database refuse a write after the file is in place: a real failure, from the database itself.</summary>
    static async Task RefuseAsync(StoreHost host, string when)
    {
        await using var db = await host.OpenDbAsync();
        var name = $"refuse_{when.ToLowerInvariant()}";
        await db.ExecuteAsync(host.Settings.PostgresConnection is null
            ? $"CREATE TRIGGER {name} BEFORE {when} ON entities WHEN NEW.label = 'boom' BEGIN SELECT RAISE(ABORT, 'refused by test'); END"
            : $"""
              CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN IF NEW.label = 'boom' THEN RAISE EXCEPTION 'refused by test'; END IF; RETURN NEW; END $$;
              CREATE TRIGGER {name} BEFORE {when} ON entities FOR EACH ROW EXECUTE FUNCTION {name}();
              """);
    }

    [Fact]
    public async Task Files_live_under_the_store_folder_of_media_storage_dir()
    {
        var media = Path.Combine(Path.GetTempPath(), "store-tests", "media-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var host = await StoreHost.StartAsync(s => s with { MediaDir = media });
            var created = await host.Client.CreateMediaAsync("stored elsewhere");
            Assert.StartsWith("store/", created.Str("file_path"));
            Assert.True(File.Exists(Path.Combine(media, created.Str("file_path")!)));
            Assert.True(Directory.Exists(Path.Combine(media, ".tmp")));
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(media, ".tmp")));
        }
        finally
        {
            Directory.Delete(media, recursive: true);
        }
    }

    [Fact]
    public async Task Temp_files_left_by_a_crash_are_cleared_at_start()
    {
        var dir = Path.Combine(Path.GetTempPath(), "store-tests", "crash-" + Guid.NewGuid().ToString("N"));
        var leftover = Path.Combine(dir, "media", ".tmp", "upload-left.part");
        Directory.CreateDirectory(Path.GetDirectoryName(leftover)!);
        await File.WriteAllTextAsync(leftover, "half an upload", Ct);
        try
        {
            await using var host = await StoreHost.StartAsync(s => s with { MediaDir = Path.Combine(dir, "media") });
            Assert.Empty(host.TempFiles());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Create_that_fails_in_the_database_leaves_no_file_and_no_row()
    {
        await using var host = await StoreHost.StartAsync();
        await RefuseAsync(host, "INSERT");
        var response = await host.Client.PostAsync("/entities", Forms.Entity(false, "boom", file: Forms.Text("doomed upload")), Ct);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("Internal server error", await Expect.DetailAsync(response, HttpStatusCode.InternalServerError));
        Assert.Empty(host.StoredFiles());
        Assert.Empty(host.TempFiles());
        await using var db = await host.OpenDbAsync();
        Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM entities"));
        Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM entity_versions"));

        // The same content goes in fine once the database accepts it.
        var created = await host.Client.CreateMediaAsync("doomed upload", "fine");
        Assert.Equal([created.Str("file_path")!], host.StoredFiles());
    }

    [Fact]
    public async Task Replace_that_fails_in_the_database_keeps_the_old_file_and_drops_the_new()
    {
        await using var host = await StoreHost.StartAsync();
        var media = await host.Client.CreateMediaAsync("the old file", "ok");
        await RefuseAsync(host, "UPDATE");
        var response = await host.Client.PutFormAsync(media.Id(), Forms.Entity(false, "boom", file: Forms.Text("the new file")));
        await Expect.DetailAsync(response, HttpStatusCode.InternalServerError);
        Assert.Equal([media.Str("file_path")!], host.StoredFiles());
        Assert.Empty(host.TempFiles());
        var after = await host.Client.GetOkAsync($"/entities/{media.Id()}");
        Assert.Equal("ok", after.Str("label"));
        Assert.Equal(media.Str("md5"), after.Str("md5"));
    }

    [Fact]
    public async Task Upload_the_client_abandons_leaves_no_temp_file()
    {
        // Kestrel: a dropped connection is the socket's to show. The in-memory server never sees the client fail; the
        // request only ended at the client's 60 s timeout.
        await using var host = await StoreHost.StartAsync(server: Server.Kestrel);
        var form = new MultipartFormDataContent();
        form.Add(new StringContent("false"), "is_collection");
        form.Add(new StreamContent(new FailingStream(256 * 1024)), "image", "big.bin");
        await Assert.ThrowsAnyAsync<Exception>(() => host.Client.PostAsync("/entities", form, Ct));

        // The server notices the dropped connection on its own schedule; wait for it rather than for a fixed time.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (host.TempFiles().Count > 0 && DateTime.UtcNow < deadline) await Task.Delay(50, Ct);
        Assert.Empty(host.TempFiles());
        Assert.Empty(host.StoredFiles());
        Assert.Empty((await host.Client.GetOkAsync("/entities")).Ids());
    }

    /// <summary>Gives some bytes, then fails as a client whose disk or network broke mid-upload.</summary>
    sealed class FailingStream(int bytesBeforeFailure) : Stream
    {
        int _given;
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_given >= bytesBeforeFailure) throw new IOException("client side failure");
            var n = Math.Min(count, bytesBeforeFailure - _given);
            Array.Fill(buffer, (byte)'x', offset, n);
            _given += n;
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _given; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
