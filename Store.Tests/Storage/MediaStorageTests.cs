using Store.Hosting;
using Store.Storage;

namespace Store.Tests.Storage;

public sealed class MediaStorageTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("store-media").FullName;
    readonly MediaStorage _storage;

    public MediaStorageTests()
    {
        var settings = StoreSettings.FromEnvironment(name => name == "CL_SERVER_DIR" ? _dir : null);
        _storage = new MediaStorage(settings.Storage);
        _storage.Prepare();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Stored(string relative, string content)
    {
        var temp = Path.Combine(_storage.TempDir, Guid.NewGuid().ToString("N"));
        File.WriteAllText(temp, content);
        return _storage.Place(temp, relative);
    }

    [Fact]
    public void A_set_aside_file_is_gone_from_its_path_and_purged_on_complete()
    {
        var path = Stored("store/2026/11/25/aa.txt", "a");
        var removal = _storage.SetAside(["store/2026/11/25/aa.txt", null, "store/2026/11/25/missing.txt"]);
        Assert.False(File.Exists(path));
        // The set-aside copy keeps its path under an aside folder, so a restart can tell where it came from.
        Assert.Single(Directory.GetFiles(_storage.TempDir, "aa.txt", SearchOption.AllDirectories));

        // Same content stored again at the same path before the purge: the purge must not touch it.
        Stored("store/2026/11/25/aa.txt", "a again");
        removal.Complete();
        Assert.Equal("a again", File.ReadAllText(path));
        Assert.Empty(Directory.GetFileSystemEntries(_storage.TempDir));
    }

    [Fact]
    public void Undo_puts_a_set_aside_file_back()
    {
        var path = Stored("store/2026/11/25/bb.txt", "b");
        var removal = _storage.SetAside(["store/2026/11/25/bb.txt"]);
        removal.Undo();
        Assert.Equal("b", File.ReadAllText(path));
        Assert.Empty(Directory.GetFileSystemEntries(_storage.TempDir));
    }
}
