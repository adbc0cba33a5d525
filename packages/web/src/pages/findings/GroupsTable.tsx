import { Link } from "react-router";
import { riskText } from "./format.js";
import { searchOf, type View } from "./query.js";
import type { Group } from "./types.js";

/** Findings grouped by CVE or package; a group's name lists its findings. */
export function GroupsTable({ view, groups }: { view: View; groups: Group[] }) {
  const by = view.group === "package" ? "package" : "cve";
  return (
    <table className="findings-table">
      <thead>
        <tr>
          <th scope="col">{by === "cve" ? "CVE" : "Package"}</th>
          <th scope="col">Highest severity</th>
          <th scope="col">Findings</th>
          <th scope="col">Targets</th>
          <th scope="col">Highest risk</th>
        </tr>
      </thead>
      <tbody>
        {groups.map((g) => (
          <tr key={g.key}>
            <td>
              <Link to={`/findings?${searchOf({ ...view, group: "", [by]: g.key })}`} title={g.key}>
                {g.package ? `${g.package.name}@${g.package.version}` : g.key}
              </Link>
            </td>
            <td>
              <span className={`badge sev-${g.severity}`}>{g.severity}</span>
            </td>
            <td className="num">{g.count}</td>
            <td className="num">{g.targets}</td>
            <td className="num">{riskText(g.maxRisk)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
