using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Store.Data;

/// <summary>
/// The current row of a SQLite statement, read by SQLite's own column calls on the statement's plain pointer, for the
/// hot reads (a list page reads 21 columns of 20 rows). Through SQLitePCLRaw each call is an interface dispatch to its
/// provider and a marshalled call that takes and releases the statement's SafeHandle, two interlocked operations:
/// together 11% of the CPU of a list page (perf, README "The hot reads"). These calls are short and never block or
/// call back into .NET, so they skip the GC transition too. The library is the one SQLitePCLRaw loads (e_sqlite3).
/// Only valid while the reader stands on a row, on the thread that stepped it.
/// </summary>
public readonly unsafe partial struct SqliteColumns
{
    const string Library = "e_sqlite3";
    const int Null = 5;

    readonly IntPtr _statement;

    public SqliteColumns(SqliteDataReader reader) => _statement = reader.Handle!.DangerousGetHandle();

    public long Int64(int i) => ColumnInt64(_statement, i);

    public bool Flag(int i) => ColumnInt64(_statement, i) != 0;

    public long? NullableInt64(int i) => ColumnType(_statement, i) == Null ? null : ColumnInt64(_statement, i);

    public double? NullableDouble(int i) => ColumnType(_statement, i) == Null ? null : ColumnDouble(_statement, i);

    /// <summary>SQLite answers a NULL column's text with a null pointer, so one call tells NULL from text.</summary>
    public string? Text(int i)
    {
        var text = ColumnText(_statement, i);
        if (text is null) return null;
        // After the text: its length is that of the UTF-8 SQLite just made (sqlite3_column_bytes' documented order).
        return Encoding.UTF8.GetString(text, ColumnBytes(_statement, i));
    }

    [LibraryImport(Library, EntryPoint = "sqlite3_column_type"), SuppressGCTransition]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial int ColumnType(IntPtr statement, int i);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_int64"), SuppressGCTransition]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial long ColumnInt64(IntPtr statement, int i);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_double"), SuppressGCTransition]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial double ColumnDouble(IntPtr statement, int i);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_text"), SuppressGCTransition]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial byte* ColumnText(IntPtr statement, int i);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_bytes"), SuppressGCTransition]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial int ColumnBytes(IntPtr statement, int i);
}
