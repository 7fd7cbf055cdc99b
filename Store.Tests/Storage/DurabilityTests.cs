using Store.Storage;

namespace Store.Tests.Storage;

public sealed class DurabilityTests
{
    [Fact]
    public void Flushing_a_folder_succeeds_and_a_missing_one_is_an_error()
    {
        var dir = Directory.CreateTempSubdirectory("store-durability").FullName;
        try
        {
            Durability.FlushDirectory(dir);
            Assert.Throws<IOException>(() => Durability.FlushDirectory(Path.Combine(dir, "missing")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Place_creates_missing_folders_and_moves_the_file()
    {
        var dir = Directory.CreateTempSubdirectory("store-durability").FullName;
        try
        {
            var temp = Path.Combine(dir, "upload.part");
            File.WriteAllText(temp, "content");
            var target = Path.Combine(dir, "store", "2026", "11", "25", "file.txt");
            Durability.Place(temp, target, overwrite: false);
            Assert.False(File.Exists(temp));
            Assert.Equal("content", File.ReadAllText(target));

            File.WriteAllText(temp, "again");
            Assert.Throws<IOException>(() => Durability.Place(temp, target, overwrite: false));
            Durability.Place(temp, target, overwrite: true);
            Assert.Equal("again", File.ReadAllText(target));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
