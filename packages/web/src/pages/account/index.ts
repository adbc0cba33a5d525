export { ChangePassword } from "./ChangePassword.js";
