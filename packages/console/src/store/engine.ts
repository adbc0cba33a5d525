/** The two storage engines behind the one query layer. */
export type Engine = "sqlite" | "postgres";
