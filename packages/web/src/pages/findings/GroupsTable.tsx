import { Link } from "react-router";
import { SeverityBadge } from "../../components/Badges.js";
import { DataTable } from "../../components/DataTable.js";
import { riskText } from "./format.js";
import { searchOf, type View } from "./query.js";
import type { Group } from "./types.js";

/** Findings grouped by CVE or package; a group's name lists its findings. */
export function GroupsTable({ view, groups }: { view: View; groups: Group[] }) {
  const by = view.group === "package" ? "package" : "cve";
  return (
    <DataTable
      className="findings-table"
      columns={[by === "cve" ? "CVE" : "Package", "Highest severity", "Findings", "Targets", "Highest risk"]}
    >
      {groups.map((g) => (
        <tr key={g.key}>
          <td>
            <Link to={`/findings?${searchOf({ ...view, group: "", [by]: g.key })}`} title={g.key}>
              {g.package ? `${g.package.name}@${g.package.version}` : g.key}
            </Link>
          </td>
          <td>
            <SeverityBadge severity={g.severity} />
          </td>
          <td className="num">{g.count}</td>
          <td className="num">{g.targets}</td>
          <td className="num">{riskText(g.maxRisk)}</td>
        </tr>
      ))}
    </DataTable>
  );
}
