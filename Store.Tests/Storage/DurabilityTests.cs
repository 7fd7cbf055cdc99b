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
}
