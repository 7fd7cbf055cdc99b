using Store.Storage;

namespace Store.Tests.Storage;

/// <summary>The crash journal, on a real folder: its entries are written while the audit and the crash check read them.</summary>
public sealed class PendingFilesTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("store-pending-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Entries_written_while_the_journal_is_read_never_fail()
    {
        // A reader's shared lock on a new entry, taken between its creation and its writer's lock, once made the
        // writer's exclusive lock fail: an upload answered 500 while GET /system/audit read the journal.
        var pending = new PendingFiles(new StorageOptions(_dir, Path.Combine(_dir, "media"), Path.Combine(_dir, "db"), 0));
        using var stop = new CancellationTokenSource();
        var reads = 0;
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                _ = pending.Entries();
                reads++;
            }
        }, TestContext.Current.CancellationToken);
        for (var i = 0; i < 3000; i++)
        {
            using var entry = pending.Record(Path.Combine(_dir, "media", $"{i}.png"));
        }
        await stop.CancelAsync();
        await reader;
        Assert.True(reads > 0);
        Assert.Empty(pending.Entries());
    }
}
