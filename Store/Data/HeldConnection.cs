using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Store.Data;

/// <summary>
/// A SQLite connection's own mutex held across a run of calls on it (<c>sqlite3_db_mutex</c>, the documented way to
/// keep a connection across several API calls), for the hot reads' rows. In serialized mode every column call takes
/// and leaves that mutex, an atomic lock and unlock each; a list page makes 420 of them, 5% of its CPU after
/// <see cref="SqliteColumns"/> (perf, README "Held connection mutex"). The mutex is recursive: held here, each call's
/// own take is the owner's count going up and down, no atomic operation. A ref struct, so that no await can come
/// between the take and the release (the release must be on the thread that took it); SQLite's other modes have no
/// connection mutex and the calls do nothing.
/// </summary>
public readonly unsafe ref partial struct HeldConnection : IDisposable
{
    const string Library = "e_sqlite3";

    readonly IntPtr _mutex;

    HeldConnection(IntPtr mutex) => _mutex = mutex;

    /// <summary>The mutex of the command's open connection, taken: waits only if another thread is inside a call on it.</summary>
    public static HeldConnection Take(SqliteCommand command)
    {
        var mutex = DbMutex(command.Connection!.Handle!.DangerousGetHandle());
        MutexEnter(mutex);
        return new HeldConnection(mutex);
    }

    public void Dispose() => MutexLeave(_mutex);

    [LibraryImport(Library, EntryPoint = "sqlite3_db_mutex"), SuppressGCTransition]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial IntPtr DbMutex(IntPtr db);

    // May wait, so it keeps the GC transition.
    [LibraryImport(Library, EntryPoint = "sqlite3_mutex_enter")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial void MutexEnter(IntPtr mutex);

    [LibraryImport(Library, EntryPoint = "sqlite3_mutex_leave"), SuppressGCTransition]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial void MutexLeave(IntPtr mutex);
}
